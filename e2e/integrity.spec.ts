import type { Page } from "@playwright/test";
import { type Address, parseAbiItem } from "viem";
import { devRoles } from "../lib/chain/dev-accounts";
import { computeMarketAbi } from "../lib/chain/generated/contracts";
import { formatTokenAmount } from "../lib/market/price-order";
import { expect, type TestWallet, test } from "./fixtures";
import {
  acceptBestBid,
  createOrder,
  getLeaseInfo,
  getOrderInfo,
  marketClients,
} from "./helpers/create-order";
import {
  injectClusterDowntime,
  simClusterOfLease,
  startSimCluster,
  stopSimCluster,
} from "./helpers/sim-cluster";

// Market integrity (issue 13), with nobody clicking: the chain, the server's loops (bid engine,
// lease controller, deployer attestations, keeper) and the pages, on the e2e stack. Every figure is
// checked on chain first, then where the tenant or the provider reads it.

/** OrderStatus in ComputeMarket's enum. */
const ACTIVE = 4;
const CLOSED = 5;

// The tenant is the test wallet's account 1, so the pages can be read signed in as it.
const tenantKey = devRoles.e2e[1].privateKey;
const TENANT = devRoles.e2e[1].address;

async function signInAsTenant(page: Page, wallet: TestWallet, path: string): Promise<void> {
  await wallet.use(1);
  await page.goto(path);
  await wallet.connect();
  await page.getByTestId("sign-in").click();
}

async function waitFor<T>(what: string, read: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The tenant ends what a test bought, so later specs find the market's capacity as it was. */
async function endAsTenant(
  stack: { rpcUrl: string; marketAddress: Address },
  id: bigint,
  key?: `0x${string}`,
): Promise<void> {
  const { publicClient, wallet } = marketClients(stack.rpcUrl, key);
  const status = (await getOrderInfo({ ...stack, orderId: id })).status;
  let hash: `0x${string}`;
  if (status === 1)
    hash = await wallet.writeContract({
      chain: null,
      address: stack.marketAddress,
      abi: computeMarketAbi,
      functionName: "cancelOrder",
      args: [id],
    });
  else if (status === ACTIVE)
    hash = await wallet.writeContract({
      chain: null,
      address: stack.marketAddress,
      abi: computeMarketAbi,
      functionName: "closeLease",
      args: [id, `0x${"00".repeat(32)}`],
    });
  else return;
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`ending order ${id} reverted`);
}

async function readBond(rpcUrl: string, marketAddress: Address, provider: Address) {
  const { publicClient } = marketClients(rpcUrl);
  return publicClient.readContract({
    address: marketAddress,
    abi: computeMarketAbi,
    functionName: "getBond",
    args: [provider],
  });
}

test.describe("market integrity", () => {
  test.describe.configure({ timeout: 240_000 });

  test("a provider that never deploys is slashed and the tenant refunded in full", async ({
    page,
    wallet,
    stack,
  }) => {
    const chain = { rpcUrl: stack.rpcUrl, marketAddress: stack.marketAddress };
    // Only the Ohio provider may bid (region us-east-2); it must start within 30 s of settlement.
    const orderId = await createOrder({
      ...chain,
      tokenAddress: stack.tokenAddress,
      tenantKey,
      region: "us-east-2",
      cpuMillis: 500,
      memoryMiB: 512,
      storageMiB: 512,
      startDeadlineSeconds: 30,
      bidWindowSeconds: 60,
    });
    const order = await waitFor(
      "a bid",
      async () => {
        const o = await getOrderInfo({ ...chain, orderId });
        return o.bestProvider === "0x0000000000000000000000000000000000000000" ? undefined : o;
      },
      60_000,
    );
    const provider = order.bestProvider;
    // The provider's cluster goes dark after bidding: nothing it wins can be deployed.
    await stopSimCluster(stack, "ohio-cpu");
    try {
      const bondBefore = await readBond(stack.rpcUrl, stack.marketAddress, provider);
      expect(bondBefore.locked).toBeGreaterThan(0n); // the bid locked part of the bond

      await acceptBestBid({ ...chain, orderId, tenantKey });
      const started = await getLeaseInfo({ ...chain, leaseId: orderId });
      expect(started.status).toBe(ACTIVE);
      expect(started.attestedAt).toBe(0);
      expect(started.accrued).toBe(0n); // nothing accrues before an attested start

      // The keeper cancels it once the start deadline passes.
      const closed = await waitFor(
        "the unstarted lease to be cancelled",
        async () => {
          const l = await getLeaseInfo({ ...chain, leaseId: orderId });
          return l.status === CLOSED ? l : undefined;
        },
        120_000,
      );
      expect(closed.attestedAt).toBe(0);
      expect(closed.paidOut).toBe(0n);

      const { publicClient } = marketClients(stack.rpcUrl);
      const [unstarted] = await publicClient.getLogs({
        address: stack.marketAddress,
        event: parseAbiItem("event LeaseUnstarted(uint256 indexed leaseId, uint256 refund, uint256 slashed)"),
        args: { leaseId: orderId },
        fromBlock: BigInt(stack.deployBlock),
      });
      if (!unstarted) throw new Error(`no LeaseUnstarted event for lease ${orderId}`);
      const { refund, slashed } = unstarted.args as { refund: bigint; slashed: bigint };
      expect(refund).toBe(started.escrow); // the whole deposit back
      expect(slashed).toBeGreaterThan(0n); // plus a slice of the provider's bond
      // What the cancelling transaction paid the tenant (its balance alone could move with other specs' orders).
      const paid = await publicClient.getLogs({
        address: stack.tokenAddress,
        event: parseAbiItem("event Transfer(address indexed from, address indexed to, uint256 value)"),
        args: { from: stack.marketAddress, to: TENANT },
        fromBlock: unstarted.blockNumber,
        toBlock: unstarted.blockNumber,
      });
      const toTenant = paid
        .filter((t) => t.transactionHash === unstarted.transactionHash)
        .reduce((sum, t) => sum + (t.args as { value: bigint }).value, 0n);
      expect(toTenant).toBe(refund + slashed);
      const bondAfter = await readBond(stack.rpcUrl, stack.marketAddress, provider);
      expect(bondBefore.total - bondAfter.total).toBe(slashed);

      // The tenant's lease page says so.
      await signInAsTenant(page, wallet, `/leases/${orderId}`);
      const notice = page.getByTestId("unstarted");
      await expect(notice).toBeVisible({ timeout: 30_000 });
      await expect(notice).toContainText(/never started/i);
      await expect(page.getByTestId("unstarted-refund")).toHaveText(`${formatTokenAmount(refund)} USD`);
      await expect(page.getByTestId("unstarted-slashed")).toHaveText(`${formatTokenAmount(slashed)} USD`);
    } finally {
      await startSimCluster(stack, "ohio-cpu");
    }
  });

  test("injected downtime shows uptime below 100 % and an SLA refund", async ({ page, wallet, stack }) => {
    const chain = { rpcUrl: stack.rpcUrl, marketAddress: stack.marketAddress };
    const orderId = await createOrder({
      ...chain,
      tokenAddress: stack.tokenAddress,
      tenantKey,
      region: "eu-central-1",
      cpuMillis: 500,
      memoryMiB: 512,
      storageMiB: 512,
    });
    await acceptBestBid({ ...chain, orderId, tenantKey });
    const attested = await waitFor(
      "the deployer's start attestation",
      async () => {
        const l = await getLeaseInfo({ ...chain, leaseId: orderId });
        return l.attestedAt > 0 ? l : undefined;
      },
      90_000,
    );
    expect(attested.startDeadline).toBeGreaterThanOrEqual(attested.attestedAt);

    const cluster = await simClusterOfLease(stack, orderId);
    await injectClusterDowntime(stack, cluster, 15_000);

    const refunded = await waitFor(
      "an SLA refund on chain",
      async () => {
        const l = await getLeaseInfo({ ...chain, leaseId: orderId });
        return l.refunded > 0n && l.downtimeSeconds > 0 ? l : undefined;
      },
      120_000,
    );
    // Refunded per second of downtime at the lease's price (rounded down).
    expect(refunded.refunded).toBe((refunded.pricePerHour * BigInt(refunded.downtimeSeconds)) / 3600n);

    await signInAsTenant(page, wallet, `/leases/${orderId}`);
    const uptime = page.getByTestId("uptime");
    await expect(uptime).toHaveText(/^\d{1,3}(\.\d)?\s?%$/, { timeout: 30_000 });
    expect(Number.parseFloat((await uptime.textContent()) ?? "100")).toBeLessThan(100);
    await expect(page.getByTestId("sla-refund-row").first()).toBeVisible();
    await expect(page.getByTestId("sla-refunded")).not.toHaveText(/^0(\.0+)? USD$/);
    await endAsTenant(chain, orderId, tenantKey);
  });

  test("reputation shows beside every bid", async ({ page, stack }) => {
    const chain = { rpcUrl: stack.rpcUrl, marketAddress: stack.marketAddress };
    const orderId = await createOrder({ ...chain, tokenAddress: stack.tokenAddress, bidWindowSeconds: 60 });
    await waitFor(
      "a bid",
      async () => {
        const o = await getOrderInfo({ ...chain, orderId });
        return o.bestProvider === "0x0000000000000000000000000000000000000000" ? undefined : o;
      },
      60_000,
    );
    await page.goto(`/orders/${orderId}`);
    const row = page.getByTestId("bid-row").first();
    await expect(row).toBeVisible({ timeout: 30_000 });
    await expect(row.getByTestId("bid-reputation")).toHaveText(/\d{1,3}/);
    // The provider's name links to its page, which explains the score.
    await row.getByTestId("bid-provider-link").click();
    await expect(page).toHaveURL(/\/providers\/0x[0-9a-fA-F]{40}$/);
    await expect(page.getByTestId("reputation-score")).toHaveText(/\d{1,3}/);
    // Every part the score is made of, each explained: uptime, on-time starts, early ends, SLA refunds,
    // time to Running.
    await expect(page.locator('[data-testid^="reputation-part-"]')).toHaveCount(5);
    await endAsTenant(chain, orderId);
  });

  test("a sealed-bid order settles at the second price", async ({ page, stack }) => {
    const chain = { rpcUrl: stack.rpcUrl, marketAddress: stack.marketAddress };
    const orderId = await createOrder({
      ...chain,
      tokenAddress: stack.tokenAddress,
      cpuMillis: 500,
      memoryMiB: 512,
      storageMiB: 512,
      // Windows with room for a busy machine: the engine commits within the first, reveals within the second.
      bidWindowSeconds: 30,
      sealed: { revealWindowSeconds: 45 },
    });
    // The keeper settles it after the reveal window.
    const lease = await waitFor(
      "the sealed auction to settle",
      async () => {
        const l = await getLeaseInfo({ ...chain, leaseId: orderId });
        return l.status === ACTIVE || l.status === CLOSED ? l : undefined;
      },
      180_000,
    ).catch(async (error: Error) => {
      // What the order page knows (status, commits and reveals) says which step did not happen.
      const order = await page.request.get(`/api/orders/${orderId}`);
      throw new Error(`${error.message}; the order: ${(await order.text()).slice(0, 2000)}`);
    });
    const { publicClient } = marketClients(stack.rpcUrl);
    const reveals = await publicClient.getLogs({
      address: stack.marketAddress,
      event: parseAbiItem(
        "event BidRevealed(uint256 indexed orderId, address indexed provider, uint96 price)",
      ),
      args: { orderId },
      fromBlock: BigInt(stack.deployBlock),
    });
    const prices = reveals.map((r) => (r.args as { price: bigint }).price).sort((a, b) => (a < b ? -1 : 1));
    expect(prices.length, "several providers revealed").toBeGreaterThanOrEqual(2);
    const winner = reveals.find((r) => (r.args as { price: bigint }).price === prices[0]);
    if (!winner) throw new Error("no reveal at the lowest price");
    expect(lease.provider.toLowerCase()).toBe((winner.args as { provider: Address }).provider.toLowerCase());
    expect(lease.pricePerHour).toBe(prices[1]); // the lowest bidder wins at the second-lowest price

    await page.goto(`/orders/${orderId}`);
    const outcome = page.getByTestId("sealed-second-price");
    await expect(outcome).toContainText(/second-lowest/i, { timeout: 30_000 });
    await expect(outcome).toContainText(`${formatTokenAmount(prices[1] as bigint)}/h`);
    // Each revealed bid with its provider's reputation beside it, as an open auction's bids.
    const revealRows = page.getByTestId("reveal-row");
    await expect(revealRows).toHaveCount(prices.length);
    await expect(revealRows.getByTestId("bid-reputation")).toHaveCount(prices.length);
    await endAsTenant(chain, orderId);
  });
});
