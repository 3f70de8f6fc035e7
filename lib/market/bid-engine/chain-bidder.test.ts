// The operator's chain access on anvil mining only on demand (as `npm run dev` runs it): a sealed bid's
// reveal is due as soon as the bid window has ended, also while the latest block is still inside the
// window because nobody has sent anything since.
import { parseEther } from "viem";
import { afterAll, beforeAll, expect, it } from "vitest";
import { devRoles } from "@/lib/chain/dev-accounts";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import { createMarketDriver, type MarketDriver, USD } from "@/lib/chain/indexer/market-test-driver";
import { type AnvilInstance, startAnvil } from "@/lib/chain/start-anvil";
import { createChainBidder } from "./chain-bidder";
import { randomSalt, sealedCommitment } from "./sealed-commitment";

const tenant = devRoles.tenants[0].address;
const provider = devRoles.providers[0].address;
const operator = devRoles.bidEngineOperator;

let anvil: AnvilInstance;
let m: MarketDriver;

beforeAll(async () => {
  anvil = await startAnvil();
  m = await createMarketDriver({ rpcUrl: anvil.rpcUrl });
  await m.test.setBalance({ address: operator.address, value: parseEther("10") });
  await m.fund(tenant);
  await m.register(provider, { operator: operator.address });
});

afterAll(async () => {
  await anvil?.stop();
});

it("reveals a sealed bid once the bid window has ended, though no block was mined since", async () => {
  const bidder = createChainBidder({
    privateKey: operator.privateKey,
    market: m.market,
    rpcUrl: anvil.rpcUrl,
    chainId: anvil.chainId,
    client: m.pub,
  });
  if (!bidder) throw new Error("no bidder");
  const order = await m.createOrder(
    await m.makeOrder(tenant, { auctionFormat: 1, bidWindow: 3, revealWindow: 300 }),
  );
  const price = USD;
  const salt = randomSalt();
  await bidder.commitBid({
    orderId: order,
    provider,
    commitment: sealedCommitment({ orderId: order, provider, price, salt }),
    requiredAttributes: [],
  });
  // Still in the commit phase: a reveal is refused by name.
  await expect(bidder.revealBid({ orderId: order, provider, price, salt })).rejects.toThrow(/NotRevealPhase/);

  const { bidEnd } = await m.pub.readContract({
    address: m.market,
    abi: computeMarketAbi,
    functionName: "getOrder",
    args: [order],
  });
  while (Date.now() / 1000 <= Number(bidEnd) + 1) await new Promise((r) => setTimeout(r, 250));
  // Nothing was mined since the commit: the latest block is still inside the bid window.
  expect((await m.pub.getBlock({ blockTag: "latest" })).timestamp).toBeLessThanOrEqual(bidEnd);

  await bidder.revealBid({ orderId: order, provider, price, salt });
  expect(await bidder.getCommit(order, provider)).toMatchObject({ revealed: true });
});
