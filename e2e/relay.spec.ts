import { createPublicClient, createWalletClient, type Hex, http, parseSignature } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { computeMarketAbi, mockStablecoinAbi } from "../lib/chain/generated/contracts";
import { type Order, orderTypedData, serializeOrder, toBytes32Text } from "../lib/chain/order-types";
import { permitTypedData } from "../lib/chain/permit-types";
import { canonicalizeManifest } from "../lib/market/manifest";
import { expect, test } from "./fixtures";

// The gasless path: a tenant signs the order and an ERC-2612 permit for the deposit, the server
// stores the manifest next to that signature and relays the order from its relayer key. Replays
// and tampered orders are refused with a clear error and leave nothing behind.

// Anvil's dev account 6 (a demo tenant the seed funds; public dev key).
const TENANT_KEY: Hex = "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e";

test("a signed order with a permit is relayed without the tenant paying gas; replays are refused", async ({
  request,
  stack,
}) => {
  const tenant = privateKeyToAccount(TENANT_KEY);
  const transport = http(stack.rpcUrl);
  const client = createPublicClient({ transport });
  const wallet = createWalletClient({ account: tenant, transport });
  const ethBefore = await client.getBalance({ address: tenant.address });

  const { manifest, specHash } = canonicalizeManifest({
    name: "relayed",
    image: "nginx:1.27",
    resources: { cpu: 250, memory: 256 },
    ports: [{ port: 80 }],
  });
  const block = await client.getBlock();
  const order: Order = {
    tenant: tenant.address,
    specHash,
    cpuMillicores: 250,
    memoryMiB: 256,
    storageMiB: 1024,
    gpuCount: 0,
    gpuModel: toBytes32Text(""),
    requiredAttributes: [],
    maxPricePerHour: 50_000n,
    duration: 3600,
    deposit: 50_000n,
    bidWindow: 60,
    nonce: BigInt(Date.now()),
    deadline: block.timestamp + 3600n,
    startDeadline: 600,
    auctionFormat: 0,
    revealWindow: 0,
    minReputation: 0,
  };
  const signature = await wallet.signTypedData(orderTypedData(order, stack.chainId, stack.marketAddress));

  // A tampered order (the price raised after signing) is not stored.
  const tampered = await request.post("/api/manifests", {
    data: { manifest, order: serializeOrder({ ...order, maxPricePerHour: 60_000n }), signature },
  });
  expect(tampered.status()).toBe(400);
  expect((await tampered.json()).error.message).toMatch(/signature/i);

  const stored = await request.post("/api/manifests", {
    data: { manifest, order: serializeOrder(order), signature },
  });
  expect(stored.status()).toBe(200);
  expect((await stored.json()).specHash).toBe(specHash);

  // The deposit by permit: a signature, not a transaction.
  const permitDeadline = block.timestamp + 3600n;
  const permitNonce = await client.readContract({
    address: stack.tokenAddress,
    abi: mockStablecoinAbi,
    functionName: "nonces",
    args: [tenant.address],
  });
  const permit = parseSignature(
    await wallet.signTypedData(
      permitTypedData({
        domain: {
          name: "KubeBid Mock USD",
          version: "1",
          chainId: stack.chainId,
          verifyingContract: stack.tokenAddress,
        },
        owner: tenant.address,
        spender: stack.marketAddress,
        value: order.deposit,
        nonce: permitNonce,
        deadline: permitDeadline,
      }),
    ),
  );
  const body = {
    order: serializeOrder(order),
    signature,
    permit: { deadline: permitDeadline.toString(), v: Number(permit.v ?? 27n), r: permit.r, s: permit.s },
  };
  const relayed = await request.post("/api/orders/relay", { data: body });
  expect(relayed.status()).toBe(200);
  const { orderId } = (await relayed.json()) as { orderId: string };

  const onChain = await client.readContract({
    address: stack.marketAddress,
    abi: computeMarketAbi,
    functionName: "getOrder",
    args: [BigInt(orderId)],
  });
  expect(onChain.tenant).toBe(tenant.address);
  expect(onChain.escrow).toBe(order.deposit);
  // The tenant sent no transaction: its ether balance did not move.
  expect(await client.getBalance({ address: tenant.address })).toBe(ethBefore);
  // The indexer picks it up and the auction page's route serves it.
  await expect(async () => {
    const res = await request.get(`/api/orders/${orderId}`);
    expect(res.status()).toBe(200);
  }).toPass({ timeout: 20_000 });

  // The same signed order again: the contract refuses the used nonce, by name.
  const replay = await request.post("/api/orders/relay", { data: { order: body.order, signature } });
  expect(replay.status()).toBe(422);
  expect((await replay.json()).error.message).toMatch(/NonceAlreadyUsed/);
});
