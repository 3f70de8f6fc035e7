import { eq } from "drizzle-orm";
import type { Hex } from "viem";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { deployerTxs, leaseDeploys, leaseDowntime, leaseSla, leases, orders } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import type { DeployerTxPayload } from "@/lib/lease/deployer-tx-payload";
import {
  type DeployerChain,
  type DeployerLease,
  DeployerRevertError,
  type DeployerState,
  listDeployerTxs,
  runDeployerTick,
} from "@/lib/lease/run-deployer";

// The deployer loop against a chain that behaves like one where it matters here: one transaction per
// nonce is ever mined, a transaction may sit in the mempool (or be lost) while the process dies, and
// the contract keeps each lease's attested start and downtime total. Attests a start once; attests
// each second of downtime once, through crashes before and after the send; attests changed scores.

const SPEC = `0x${"ab".repeat(32)}`;
const T0 = new Date("2026-11-30T12:00:00Z").getTime();

interface FakeTx {
  hash: Hex;
  nonce: number;
  payload: DeployerTxPayload;
}

/** A fake chain: a mempool, `mine()`, nonces, leases and reputation as the contract keeps them. */
function fakeChain() {
  const leasesOnChain = new Map<string, DeployerLease>();
  const reputation = new Map<string, number>();
  const mempool: FakeTx[] = [];
  const receipts = new Map<Hex, "success" | "reverted">();
  const minedCalls: DeployerTxPayload[] = [];
  let mined = 0;
  let seq = 0;
  const opts = { automine: true, acceptThenThrow: false, refuse: null as string | null };

  function apply(p: DeployerTxPayload): boolean {
    if (p.call === "attestStart") {
      const l = leasesOnChain.get(p.leaseId);
      if (l?.status !== "active" || l.attestedAt > 0) return false;
      l.attestedAt = Math.floor(T0 / 1000);
    } else if (p.call === "attestDowntime") {
      for (const [i, id] of p.leaseIds.entries()) {
        const l = leasesOnChain.get(id);
        if (l) l.downtimeSeconds += p.seconds[i] ?? 0;
      }
    } else for (const [i, a] of p.providers.entries()) reputation.set(a, p.scores[i] ?? 0);
    return true;
  }

  function mine() {
    mempool.sort((a, b) => a.nonce - b.nonce);
    while (mempool[0] && mempool[0].nonce === mined) {
      const tx = mempool.shift() as FakeTx;
      const ok = apply(tx.payload);
      receipts.set(tx.hash, ok ? "success" : "reverted");
      if (ok) minedCalls.push(tx.payload);
      mined++;
      // Same-nonce rivals can never be mined now.
      for (let i = mempool.length - 1; i >= 0; i--)
        if ((mempool[i] as FakeTx).nonce < mined) mempool.splice(i, 1);
    }
  }

  const chain: DeployerChain = {
    deployer: "0x00000000000000000000000000000000000000d1",
    async nonces() {
      return { mined, pending: Math.max(mined, ...mempool.map((t) => t.nonce + 1)) };
    },
    async chainSeconds() {
      return Math.floor(T0 / 1000);
    },
    async getLease(id) {
      return {
        ...(leasesOnChain.get(id.toString()) ?? {
          status: "none",
          attestedAt: 0,
          startDeadline: 0,
          downtimeSeconds: 0,
        }),
      };
    },
    async reputationOf(provider) {
      return reputation.get(provider.toLowerCase()) ?? 0;
    },
    async send(payload, nonce) {
      if (opts.refuse) throw new DeployerRevertError(opts.refuse);
      if (nonce < mined) throw new Error("nonce too low");
      if (mempool.some((t) => t.nonce === nonce)) throw new Error("replacement transaction underpriced");
      const hash = `0x${(++seq).toString(16).padStart(64, "0")}` as Hex;
      mempool.push({ hash, nonce, payload });
      if (opts.automine) mine();
      if (opts.acceptThenThrow) throw new Error("request timed out");
      return hash;
    },
    async receipt(hash) {
      const status = receipts.get(hash);
      return status ? { status } : null;
    },
  };
  return { chain, leasesOnChain, reputation, mempool, minedCalls, mine, opts, drop: () => mempool.splice(0) };
}

let handle: DbHandle;

beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => handle?.close());
beforeEach(async () => {
  for (const t of [deployerTxs, leaseDowntime, leaseSla, leaseDeploys, leases, orders])
    await handle.db.delete(t);
});

async function addRunningLease(id: string) {
  await handle.db.insert(orders).values({
    id,
    tenant: "0xt",
    specHash: SPEC,
    resources: { cpuMillis: 250, memoryMiB: 256, storageMiB: 1024, gpuCount: 0, gpuModel: null },
    maxPricePerHour: "3600",
    durationSeconds: 3600,
    deposit: "3600",
    bidWindowEndsAt: new Date(T0),
    status: "leased",
    createdBlock: 1n,
    txHash: `0x${id}`,
  });
  await handle.db.insert(leases).values({
    id,
    orderId: id,
    tenant: "0xt",
    provider: "0xp",
    pricePerHour: "3600",
    deposit: "3600",
    startedAt: new Date(T0),
    createdBlock: 2n,
    deployState: "running",
    specHash: SPEC,
    clusterId: "00000000-0000-0000-0000-000000000001",
  });
  await handle.db.insert(leaseDeploys).values({
    leaseId: id,
    specHash: SPEC,
    clusterId: "00000000-0000-0000-0000-000000000001",
    appliedAt: new Date(T0),
  });
}

const newState = (): DeployerState => ({ lastDowntimeAt: 0, lastReputationAt: 0 });
const tick = (f: ReturnType<typeof fakeChain>, state: DeployerState, atMs: number, extra = {}) =>
  runDeployerTick({
    db: handle.db,
    chain: f.chain,
    state,
    downtimeIntervalMs: 60_000,
    now: new Date(atMs),
    receiptTimeoutMs: 10,
    log: () => {},
    ...extra,
  });
const sla = async (id: string) =>
  (await handle.db.select().from(leaseSla).where(eq(leaseSla.leaseId, id)))[0];
const down = (leaseId: string, fromS: number, toS: number | null) =>
  handle.db.insert(leaseDowntime).values({
    leaseId,
    cause: "pods-not-ready",
    startedAt: new Date(T0 + fromS * 1000),
    endedAt: toS === null ? null : new Date(T0 + toS * 1000),
  });

describe("deployer loop", () => {
  it("attests a running lease's start once, with the spec hash it deployed", async () => {
    const f = fakeChain();
    await addRunningLease("1");
    await addRunningLease("2");
    await handle.db.update(leases).set({ deployState: "deploying" }).where(eq(leases.id, "2"));
    const deadline = Math.floor(T0 / 1000) + 600;
    for (const id of ["1", "2"])
      f.leasesOnChain.set(id, {
        status: "active",
        attestedAt: 0,
        startDeadline: deadline,
        downtimeSeconds: 0,
      });
    const state = newState();
    expect(await tick(f, state, T0)).toMatchObject({ started: 1, failed: 0 });
    expect(await tick(f, state, T0 + 3000)).toMatchObject({ started: 0 });
    expect(f.minedCalls).toEqual([{ call: "attestStart", leaseId: "1", specHash: SPEC }]);
    expect((await sla("1"))?.attestedAt?.getTime()).toBe(T0);
    expect(await sla("2")).toBeUndefined();
    // A lease past its start deadline is left to the keeper's cancelUnstarted.
    await handle.db.update(leases).set({ deployState: "running" }).where(eq(leases.id, "2"));
    (f.leasesOnChain.get("2") as DeployerLease).startDeadline = Math.floor(T0 / 1000);
    expect(await tick(f, state, T0 + 6000)).toMatchObject({ started: 0 });
    expect(f.minedCalls).toHaveLength(1);
  });

  it("retries a refused attestStart only after a pause", async () => {
    const f = fakeChain();
    await addRunningLease("3");
    f.leasesOnChain.set("3", {
      status: "active",
      attestedAt: 0,
      startDeadline: Math.floor(T0 / 1000) + 600,
      downtimeSeconds: 0,
    });
    f.opts.refuse = "SpecMismatch";
    const state = newState();
    expect(await tick(f, state, T0)).toMatchObject({ started: 0, failed: 1 });
    expect(await tick(f, state, T0 + 1000)).toMatchObject({ failed: 0 });
    f.opts.refuse = null;
    expect(await tick(f, state, T0 + 31_000)).toMatchObject({ started: 1 });
    expect((await listDeployerTxs(handle.db)).map((t) => t.state)).toEqual(["reverted", "mined"]);
  });

  it("attests each second of downtime once: batched, and not again after a crash before or after the send", async () => {
    const f = fakeChain();
    for (const id of ["4", "5"]) {
      await addRunningLease(id);
      f.leasesOnChain.set(id, { status: "active", attestedAt: 1, startDeadline: 0, downtimeSeconds: 0 });
      await handle.db.insert(leaseSla).values({ leaseId: id, attestedAt: new Date(T0) });
    }
    await down("4", 10, 40.5); // 30.5 s
    await down("5", 100, null); // open
    let state = newState();
    // At +130 s: lease 4 has 30 whole seconds, lease 5 has 30 so far. One transaction for both.
    expect(await tick(f, state, T0 + 130_000)).toMatchObject({ downtimeLeases: 2, downtimeSeconds: 60 });
    expect(f.minedCalls).toEqual([
      { call: "attestDowntime", leaseIds: ["4", "5"], seconds: [30, 30], totals: [30, 30] },
    ]);
    // Within the interval nothing is sent; after it, only the open interval's new seconds.
    expect(await tick(f, state, T0 + 150_000)).toMatchObject({ downtimeLeases: 0 });
    expect(await tick(f, state, T0 + 190_000)).toMatchObject({ downtimeLeases: 1, downtimeSeconds: 60 });
    expect((await sla("5"))?.attestedDowntimeSeconds).toBe(90);

    // Crash after the send: the transaction sits in the mempool, the process dies before the receipt.
    f.opts.automine = false;
    expect(await tick(f, state, T0 + 250_000)).toMatchObject({ downtimeLeases: 0 });
    expect(f.mempool).toHaveLength(1);
    state = newState(); // a restarted process: no memory of the last batch
    // The unresolved batch blocks any new one (which would count the same seconds again).
    expect(await tick(f, state, T0 + 260_000)).toMatchObject({ downtimeLeases: 0 });
    expect(f.mempool).toHaveLength(1);
    f.mine();
    f.opts.automine = true;
    await tick(f, state, T0 + 270_000);
    // Mined once: lease 5 has its 150 s (to +250 s) and then the 20 s since, nothing twice.
    expect(f.leasesOnChain.get("5")?.downtimeSeconds).toBe(170);
    expect(f.leasesOnChain.get("4")?.downtimeSeconds).toBe(30);

    // Crash inside the send: the node took it but the answer never came (no hash recorded).
    f.opts.acceptThenThrow = true;
    state = newState();
    await tick(f, state, T0 + 400_000);
    f.opts.acceptThenThrow = false;
    const [pendingRow] = (await listDeployerTxs(handle.db)).filter((t) => t.state === "pending");
    expect(pendingRow?.txHash).toBeNull();
    f.mine();
    state = newState();
    await tick(f, state, T0 + 400_000); // resolved by its nonce (used), then nothing left to send
    expect(f.leasesOnChain.get("5")?.downtimeSeconds).toBe(300);
    expect((await listDeployerTxs(handle.db)).find((t) => t.id === pendingRow?.id)?.state).toBe("replaced");

    // Lost transaction (dropped from the mempool): re-sent under the same nonce once it is stale.
    f.opts.automine = false;
    state = newState();
    await tick(f, state, T0 + 500_000);
    f.drop();
    await tick(f, state, T0 + 530_000); // not stale yet: waits
    expect(f.leasesOnChain.get("5")?.downtimeSeconds).toBe(300);
    f.opts.automine = true;
    await tick(f, state, T0 + 561_000);
    // The lost batch (to +500 s) mined once under its nonce, then the next one up to +561 s.
    expect(f.leasesOnChain.get("5")?.downtimeSeconds).toBe(461);
    const rows = await listDeployerTxs(handle.db, ["attest-downtime"]);
    expect(rows.filter((r) => r.state === "pending")).toEqual([]);

    // Over all of it: every attested second was measured, none twice.
    const total = f.minedCalls
      .filter((c) => c.call === "attestDowntime")
      .flatMap((c) =>
        c.call === "attestDowntime" ? c.leaseIds.map((id, i) => [id, c.seconds[i] ?? 0] as const) : [],
      )
      .reduce((m, [id, s]) => m.set(id, (m.get(id) ?? 0) + s), new Map<string, number>());
    expect(Object.fromEntries(total)).toEqual({ "4": 30, "5": 461 });
  });

  it("attests a lease about to end every tick, not only every interval", async () => {
    const f = fakeChain();
    for (const id of ["7", "8"]) {
      await addRunningLease(id);
      f.leasesOnChain.set(id, { status: "active", attestedAt: 1, startDeadline: 0, downtimeSeconds: 0 });
      await handle.db.insert(leaseSla).values({ leaseId: id, attestedAt: new Date(T0) });
      await down(id, 0, null);
    }
    // Lease 8 ends at +150 s: from +30 s on it is within two intervals (120 s) of its end.
    await handle.db
      .update(leases)
      .set({ endsAt: new Date(T0 + 150_000) })
      .where(eq(leases.id, "8"));
    const state = newState();
    expect(await tick(f, state, T0 + 30_000)).toMatchObject({ downtimeLeases: 2, downtimeSeconds: 60 });
    expect(await tick(f, state, T0 + 40_000)).toMatchObject({ downtimeLeases: 1, downtimeSeconds: 10 });
    expect(f.minedCalls.at(-1)).toMatchObject({ leaseIds: ["8"], seconds: [10], totals: [40] });
    expect(await tick(f, state, T0 + 90_000)).toMatchObject({ downtimeLeases: 2, downtimeSeconds: 110 });
  });

  it("skips leases no longer active on chain", async () => {
    const f = fakeChain();
    await addRunningLease("6");
    f.leasesOnChain.set("6", { status: "closed", attestedAt: 1, startDeadline: 0, downtimeSeconds: 0 });
    await handle.db.insert(leaseSla).values({ leaseId: "6", attestedAt: new Date(T0) });
    await down("6", 0, 50);
    expect(await tick(f, newState(), T0 + 100_000)).toMatchObject({ downtimeLeases: 0, failed: 0 });
    expect(f.minedCalls).toEqual([]);
  });

  it("attests the scores that changed", async () => {
    const f = fakeChain();
    f.reputation.set("0x00000000000000000000000000000000000000a1", 80);
    const reputations = async () => [
      { provider: "0x00000000000000000000000000000000000000A1", score: 80 },
      { provider: "0x00000000000000000000000000000000000000a2", score: 64.6 },
    ];
    const state = newState();
    expect(await tick(f, state, T0, { reputations })).toMatchObject({ reputations: 1 });
    expect(f.minedCalls).toEqual([
      { call: "attestReputation", providers: ["0x00000000000000000000000000000000000000a2"], scores: [65] },
    ]);
    expect(await tick(f, state, T0 + 600_000, { reputations })).toMatchObject({ reputations: 0 });
  });
});
