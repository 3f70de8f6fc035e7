import type { Address, Hex } from "viem";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { keeperActions, leases, orders, sealedBids } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import type { KeeperChain, KeeperOrderStatus } from "./keeper-chain";
import { runKeeperTick } from "./run-keeper";

// The keeper's market-integrity duties against a fake chain (the anvil suite, run-keeper.test.ts, covers
// settle/close/top-up end to end): settle a sealed order only after its reveal window, cancel a lease never
// attested by its start deadline, forfeit commitments not revealed, each once and recorded in keeper_actions.

const TENANT = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc";
const P1 = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const P2 = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";
const TX = `0x${"ab".repeat(32)}` as Hex;
const now = new Date("2030-01-01T12:00:00Z");
const ago = (s: number) => new Date(now.getTime() - s * 1000);

class FakeKeeperChain implements KeeperChain {
  keeper = "0x0000000000000000000000000000000000000001" as Address;
  sent: string[] = [];
  orderStatus = new Map<string, KeeperOrderStatus>();
  leaseState = new Map<string, { status: KeeperOrderStatus; attestedAt: number }>();
  commits = new Map<string, { revealed: boolean; closed: boolean }>();
  async chainSeconds() {
    return Math.floor(now.getTime() / 1000) - 5;
  }
  async getOrder(id: bigint) {
    return { status: this.orderStatus.get(id.toString()) ?? "open", bidEnd: 0, hasBid: true };
  }
  async getLease(id: bigint) {
    const l = this.leaseState.get(id.toString()) ?? { status: "active" as const, attestedAt: 0 };
    return { ...l, endsAt: 0, escrow: 0n, accrued: 0n, startDeadline: 0 };
  }
  async getCommit(orderId: bigint, provider: Address) {
    return this.commits.get(`${orderId}:${provider.toLowerCase()}`) ?? { revealed: false, closed: false };
  }
  async settle(id: bigint) {
    this.sent.push(`settle ${id}`);
    this.orderStatus.set(id.toString(), "active");
    return { txHash: TX, detail: "lease started" };
  }
  async closeLease(id: bigint) {
    this.sent.push(`close ${id}`);
    return { txHash: TX, detail: "closed" };
  }
  async cancelUnstarted(id: bigint) {
    this.sent.push(`cancelUnstarted ${id}`);
    this.leaseState.set(id.toString(), { status: "closed", attestedAt: 0 });
    return { txHash: TX, detail: "start never attested" };
  }
  async forfeitCommit(orderId: bigint, provider: Address) {
    this.sent.push(`forfeit ${orderId} ${provider.toLowerCase()}`);
    this.commits.set(`${orderId}:${provider.toLowerCase()}`, { revealed: false, closed: true });
    return { txHash: TX, detail: "forfeited" };
  }
  async autoTopUpDue(): Promise<never> {
    throw new Error("no auto top-up in these tests");
  }
  async autoTopUp(): Promise<never> {
    throw new Error("no auto top-up in these tests");
  }
}

let h: Awaited<ReturnType<typeof createTestDb>>;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.db.delete(keeperActions);
  await h.db.delete(sealedBids);
  await h.db.delete(leases);
  await h.db.delete(orders);
});

const order = (id: string, over: Partial<typeof orders.$inferInsert> = {}) =>
  h.db.insert(orders).values({
    id,
    tenant: TENANT,
    specHash: `0x${"d".repeat(64)}`,
    resources: {},
    maxPricePerHour: "100",
    durationSeconds: 3600,
    deposit: "100",
    bidWindowEndsAt: ago(100),
    createdBlock: 1n,
    txHash: "0x",
    ...over,
  });
const sealedRow = (orderId: string, provider: string, kind: "commit" | "reveal", logIndex: number) => ({
  orderId,
  provider,
  kind,
  bidder: null,
  price: kind === "reveal" ? "50" : null,
  amount: null,
  blockNumber: 5n,
  txHash: "0x",
  logIndex,
  at: ago(200),
});

describe("keeper: market integrity", () => {
  it("settles a sealed order only once its reveal window is over", async () => {
    await order("1", { auctionFormat: "sealed", revealWindowSeconds: 300 }); // reveals until 200 s from now
    await order("2", { auctionFormat: "sealed", revealWindowSeconds: 60 }); // reveal window over
    await order("3"); // open format, window over
    const chain = new FakeKeeperChain();
    const tick = await runKeeperTick({ db: h.db, chain, now });
    expect(chain.sent.sort()).toEqual(["settle 2", "settle 3"]);
    expect(tick.settled).toBe(2);
  });

  it("cancels a lease never attested by its start deadline, once, and leaves attested and not-yet-due ones alone", async () => {
    for (const id of ["4", "5", "6"]) await order(id, { status: "leased" });
    const base = {
      orderId: "",
      tenant: TENANT,
      provider: P1,
      // Escrow for far more than the hour: the attested one is not over.
      pricePerHour: "3600",
      deposit: "100000000",
      startedAt: ago(900),
      settledAt: ago(900),
      endsAt: new Date(now.getTime() + 3_600_000),
      createdBlock: 1n,
    };
    await h.db.insert(leases).values([
      { ...base, id: "4", orderId: "4", startDeadline: ago(300) }, // missed
      { ...base, id: "5", orderId: "5", startDeadline: new Date(now.getTime() + 60_000) }, // not yet
      { ...base, id: "6", orderId: "6", startDeadline: ago(300), attestedAt: ago(850) }, // attested
    ]);
    const chain = new FakeKeeperChain();
    const tick = await runKeeperTick({ db: h.db, chain, now });
    expect(chain.sent).toEqual(["cancelUnstarted 4"]);
    expect(tick.cancelledUnstarted).toBe(1);
    const [row] = await h.db.select().from(keeperActions);
    expect(row).toMatchObject({ kind: "cancel-unstarted", targetId: "4", result: "done", txHash: TX });
    // The indexer has not seen the cancel yet (lease 4 still active in the database): no second send.
    await runKeeperTick({ db: h.db, chain, now });
    expect(chain.sent).toEqual(["cancelUnstarted 4"]);
  });

  it("records a lease the deployer attested meanwhile as handled, without sending", async () => {
    await order("7", { status: "leased" });
    await h.db.insert(leases).values({
      id: "7",
      orderId: "7",
      tenant: TENANT,
      provider: P1,
      pricePerHour: "1",
      deposit: "1",
      startedAt: ago(900),
      startDeadline: ago(300),
      createdBlock: 1n,
    });
    const chain = new FakeKeeperChain();
    chain.leaseState.set("7", { status: "active", attestedAt: 1 });
    await runKeeperTick({ db: h.db, chain, now });
    expect(chain.sent).toEqual([]);
  });

  it("forfeits each unrevealed commitment after the reveal window, once per (order, provider)", async () => {
    await order("8", { auctionFormat: "sealed", revealWindowSeconds: 60, status: "leased" });
    await order("9", { auctionFormat: "sealed", revealWindowSeconds: 3600 }); // still revealing
    await h.db
      .insert(sealedBids)
      .values([
        sealedRow("8", P1, "commit", 0),
        sealedRow("8", P2, "commit", 1),
        sealedRow("8", P1, "reveal", 2),
        sealedRow("9", P2, "commit", 3),
      ]);
    const chain = new FakeKeeperChain();
    const tick = await runKeeperTick({ db: h.db, chain, now });
    expect(chain.sent).toEqual([`forfeit 8 ${P2}`]);
    expect(tick.forfeited).toBe(1);
    const [row] = await h.db.select().from(keeperActions);
    expect(row).toMatchObject({
      kind: "forfeit-commit",
      targetId: "8",
      episode: BigInt(P2).toString(),
      result: "done",
    });
    await runKeeperTick({ db: h.db, chain, now });
    expect(chain.sent).toHaveLength(1);
  });
});
