import type { V1Deployment } from "@kubernetes/client-node";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { clusters, leaseDeploys, leaseDowntime, leaseSla, leases } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { type Simulator, startSimulator } from "@/dev/k8s-sim/simulator";
import { waitFor } from "@/dev/k8s-sim/test-helpers";
import type { ClusterClient } from "@/lib/k8s/cluster-client";
import { simClient } from "@/lib/k8s/sim-test-client";
import { getLeaseUptime, listDowntimeToAttest, uptimePercent } from "@/lib/lease/get-lease-uptime";
import { k8sLeaseWorkload } from "@/lib/lease/k8s-workload";
import { createLeaseController } from "@/lib/lease/lease-controller";
import { providerHealth, TENANT_ROLLOUT_GRACE_MS, workloadHealth } from "@/lib/lease/record-lease-health";
import type { LeasePod, LeaseStatusView } from "@/lib/lease/types";
import type { LeaseWorkload } from "@/lib/lease/workload";

// Downtime of started leases as the lease controller measures it: intervals from a workload whose pods
// are not ready and from a cluster that does not answer (a fake workload on a fake clock for exact
// figures; then the simulator, with a cluster stopped and started again and a Deployment that cannot
// get all its pods scheduled), the uptime figures from them, and idempotence across controllers.

let handle: DbHandle;
let clusterId = "";
const tenant = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc";
const T0 = new Date("2026-11-30T10:00:00Z").getTime();

beforeAll(async () => {
  handle = await createTestDb();
  const [c] = await handle.db
    .insert(clusters)
    .values({
      providerAddress: "0xp",
      name: "c1",
      kubeconfigEnc: "x",
      server: "https://127.0.0.1:1",
      status: "up",
    })
    .returning();
  clusterId = c?.id ?? "";
});
afterAll(async () => handle?.close());

async function addRunningLease(
  id: string,
  attestedAt: Date | null,
  values: Partial<typeof leases.$inferInsert> = {},
) {
  await handle.db.insert(leases).values({
    id,
    orderId: id,
    tenant,
    provider: "0xp",
    pricePerHour: "3600",
    deposit: "100000",
    startedAt: new Date(T0),
    endsAt: new Date(T0 + 10 * 3600_000),
    createdBlock: 1n,
    deployState: "running",
    clusterId,
    namespace: `kb-lease-${id}`,
    ...values,
  });
  if (attestedAt) await handle.db.insert(leaseSla).values({ leaseId: id, attestedAt });
}

const intervals = async (id: string) =>
  (
    await handle.db
      .select()
      .from(leaseDowntime)
      .where(eq(leaseDowntime.leaseId, id))
      .orderBy(asc(leaseDowntime.startedAt), asc(leaseDowntime.id))
  ).map((r) => ({
    cause: r.cause,
    from: (r.startedAt.getTime() - T0) / 1000,
    to: r.endedAt ? (r.endedAt.getTime() - T0) / 1000 : null,
  }));

const pod = (ready: boolean): LeasePod => ({
  name: "web-0",
  phase: ready ? "Running" : "Pending",
  ready,
  readyContainers: ready ? 1 : 0,
  containers: 1,
  restarts: 0,
  node: "n1",
  createdAt: null,
  reason: ready ? null : "Unschedulable",
  requests: { cpuMillis: 100, memoryBytes: 1 },
  limits: { cpuMillis: 100, memoryBytes: 1 },
  containerStatuses: [],
});

/** A workload whose health the test sets, on a clock the test moves. */
function fakeCluster() {
  const state = { ready: true, reachable: true };
  const workload: LeaseWorkload = {
    apply: async () => ({ namespace: "x" }),
    teardown: async () => {},
    status: async () => ({ pods: [pod(state.ready)], events: [], endpoints: [] }),
    metrics: async () => ({ available: true, usage: [] }),
  };
  const clientFor = async () => {
    if (!state.reachable) throw new Error("connect ECONNREFUSED 127.0.0.1:1");
    return {} as ClusterClient;
  };
  return { state, workload, clientFor };
}

describe("workloadHealth", () => {
  const rollout = (replicas: number, availableReplicas: number) => ({
    name: "web",
    specHash: null,
    replicas,
    updatedReplicas: replicas,
    availableReplicas,
    complete: replicas === availableReplicas,
  });
  const view = (v: Partial<LeaseStatusView>): LeaseStatusView => ({
    pods: [],
    events: [],
    endpoints: [],
    ...v,
  });

  it("is up only when every service has its desired pods ready", () => {
    expect(workloadHealth(view({ rollouts: [rollout(2, 2), rollout(1, 1)] }))).toBe("up");
    // A rolling update's surge pod that is not ready yet does not count against it.
    expect(
      workloadHealth(view({ rollouts: [rollout(2, 3)], pods: [pod(true), pod(true), pod(false)] })),
    ).toBe("up");
    expect(workloadHealth(view({ rollouts: [rollout(2, 2), rollout(3, 2)] }))).toBe("pods-not-ready");
    expect(workloadHealth(view({ rollouts: [] }))).toBe("pods-not-ready");
    // Without rollouts (older rows): the pods.
    expect(workloadHealth(view({ pods: [pod(true)] }))).toBe("up");
    expect(workloadHealth(view({ pods: [pod(true), pod(false)] }))).toBe("pods-not-ready");
    expect(workloadHealth(view({ pods: [] }))).toBe("pods-not-ready");
  });

  it("counts the tenant's own update rollout as up, for the grace period only", () => {
    const spec = `0x${"b".repeat(64)}`;
    const applied = new Date(T0);
    const at = (ms: number) => new Date(T0 + ms);
    const health = (
      v: Partial<LeaseStatusView>,
      o: { revision?: number; now?: Date; applied?: Date; rolledOut?: boolean } = {},
    ) =>
      providerHealth({
        status: view(v),
        specRevision: o.revision ?? 1,
        specHash: spec,
        updateAppliedAt: "applied" in o ? o.applied : applied,
        rolledOut: o.rolledOut ?? false,
        now: o.now ?? at(30_000),
      });
    // Recreate: the old pods are gone, the new Deployment spec not rolled out yet.
    const recreating = { rollouts: [{ ...rollout(1, 0), specHash: spec.toUpperCase(), complete: false }] };
    const oldSpec = { rollouts: [{ ...rollout(1, 0), specHash: `0x${"a".repeat(64)}`, complete: false }] };
    expect(health(recreating)).toBe("up");
    expect(health(oldSpec)).toBe("up");
    // Past the grace: a revision that never gets ready counts.
    expect(health(recreating, { now: at(TENANT_ROLLOUT_GRACE_MS) })).toBe("pods-not-ready");
    // Not an update (the first deploy), or no record of when it was applied: counts.
    expect(health(recreating, { revision: 0 })).toBe("pods-not-ready");
    expect(health(recreating, { applied: undefined })).toBe("pods-not-ready");
    // Seen fully up since the update, then a pod lost: the provider's, within the grace too.
    const lost = { rollouts: [{ ...rollout(2, 1), specHash: spec, complete: false }] };
    expect(health(lost)).toBe("up");
    expect(health(lost, { rolledOut: true })).toBe("pods-not-ready");
    // Without rollouts (older status rows) nothing is exempt.
    expect(health({ pods: [pod(false)] })).toBe("pods-not-ready");
  });
});

describe("uptimePercent", () => {
  it("rounds down to one decimal, never above 100, never NaN", () => {
    expect(uptimePercent(0, 0)).toBe(100);
    expect(uptimePercent(1000, 0)).toBe(100);
    expect(uptimePercent(100_000, 1)).toBe(99.9);
    expect(uptimePercent(3600_000, 600_000)).toBe(83.3);
    expect(uptimePercent(1000, 5000)).toBe(0);
    expect(uptimePercent(Number.NaN, 0)).toBe(100);
  });
});

describe("downtime measured by the lease controller", () => {
  it("leaves out the tenant's own update rollout (up to the grace), not an outage after it", async () => {
    const spec = `0x${"c".repeat(64)}`;
    const rollout = {
      name: "web",
      specHash: spec,
      replicas: 1,
      updatedReplicas: 1,
      availableReplicas: 1,
      complete: true,
    };
    const status = { available: 1, complete: true };
    const workload: LeaseWorkload = {
      apply: async () => ({ namespace: "x" }),
      teardown: async () => {},
      status: async () => ({
        rollouts: [{ ...rollout, availableReplicas: status.available, complete: status.complete }],
        pods: [pod(status.available === 1)],
        events: [],
        endpoints: [],
      }),
      metrics: async () => ({ available: true, usage: [] }),
    };
    // Gone again afterwards: the other cases' controllers see every lease in the database.
    const forget = async (id: string) => {
      await handle.db.delete(leases).where(eq(leases.id, id));
      await handle.db.delete(leaseSla).where(eq(leaseSla.leaseId, id));
      await handle.db.delete(leaseDeploys).where(eq(leaseDeploys.leaseId, id));
      await handle.db.delete(leaseDowntime).where(eq(leaseDowntime.leaseId, id));
    };
    let t = T0;
    const controller = createLeaseController({
      db: handle.db,
      workload,
      clientFor: async () => ({}) as ClusterClient,
      now: () => new Date(t),
      log: () => {},
    });
    // Leases 90 and 91 run revision 1 of the tenant's spec, applied at T0 + 10 s (Recreate: no pod ready).
    for (const id of ["90", "91"]) {
      await addRunningLease(id, new Date(T0), { specRevision: 1, specHash: spec });
      await handle.db
        .insert(leaseDeploys)
        .values({ leaseId: id, specHash: spec, clusterId, appliedAt: new Date(T0 + 10_000) });
    }
    Object.assign(status, { available: 0, complete: false });
    t = T0 + 20_000;
    await controller.tick();
    expect(await intervals("90")).toEqual([]);
    // Lease 91's revision never gets ready: counted from the end of the grace on.
    t = T0 + 10_000 + TENANT_ROLLOUT_GRACE_MS;
    await controller.tick();
    expect(await intervals("91")).toEqual([{ cause: "pods-not-ready", from: 610, to: null }]);
    await forget("91");

    // Lease 90's update rolled out; a pod lost afterwards, within the grace still, is the provider's.
    const rolled = T0 + 40_000;
    await handle.db
      .update(leaseDeploys)
      .set({ appliedAt: new Date(rolled - 30_000) })
      .where(eq(leaseDeploys.leaseId, "90"));
    await handle.db.delete(leaseDowntime).where(eq(leaseDowntime.leaseId, "90"));
    Object.assign(status, { available: 1, complete: true });
    t = rolled;
    await controller.tick();
    Object.assign(status, { available: 0, complete: false });
    t = rolled + 20_000;
    await controller.tick();
    Object.assign(status, { available: 1, complete: true });
    t = rolled + 30_000;
    await controller.tick();
    expect(await intervals("90")).toEqual([{ cause: "pods-not-ready", from: 60, to: 70 }]);
    await forget("90");
  });

  it("opens and closes intervals for pods not ready and an unreachable cluster, from the attested start on", async () => {
    let t = T0;
    const cluster = fakeCluster();
    const controller = createLeaseController({
      db: handle.db,
      workload: cluster.workload,
      clientFor: cluster.clientFor,
      now: () => new Date(t),
      log: () => {},
    });
    // Lease 10 is not attested yet: nothing is counted for it (the start deadline's business).
    await addRunningLease("10", null);
    await addRunningLease("11", new Date(T0));
    cluster.state.ready = false;
    t = T0 + 5_000;
    await controller.tick();
    expect(await intervals("10")).toEqual([]);
    expect(await intervals("11")).toEqual([{ cause: "pods-not-ready", from: 5, to: null }]);
    t = T0 + 8_000;
    await controller.tick(); // still down: the same interval
    t = T0 + 20_000;
    cluster.state.ready = true;
    await controller.tick();
    expect(await intervals("11")).toEqual([{ cause: "pods-not-ready", from: 5, to: 20 }]);
    // The cluster stops answering, then answers with pods not ready (restarting), then all is well.
    t = T0 + 30_000;
    cluster.state.reachable = false;
    await controller.tick();
    t = T0 + 90_000;
    cluster.state.reachable = true;
    cluster.state.ready = false;
    await controller.tick();
    t = T0 + 95_000;
    cluster.state.ready = true;
    await controller.tick();
    expect(await intervals("11")).toEqual([
      { cause: "pods-not-ready", from: 5, to: 20 },
      { cause: "cluster-unreachable", from: 30, to: 90 },
      { cause: "pods-not-ready", from: 90, to: 95 },
    ]);
    expect(await intervals("10")).toEqual([]);

    const uptime = await getLeaseUptime(handle.db, "11", new Date(T0 + 100_000));
    expect(uptime).toMatchObject({
      startedAt: new Date(T0).toISOString(),
      observedSeconds: 100,
      downtimeSeconds: 80,
      attestedDowntimeSeconds: 0,
      uptimePercent: 20,
    });
    expect(uptime.intervals.map((i) => [i.cause, i.seconds])).toEqual([
      ["pods-not-ready", 15],
      ["cluster-unreachable", 60],
      ["pods-not-ready", 5],
    ]);
    expect(await getLeaseUptime(handle.db, "10", new Date(T0 + 100_000))).toEqual({
      startedAt: null,
      observedSeconds: 0,
      downtimeSeconds: 0,
      attestedDowntimeSeconds: 0,
      uptimePercent: 100,
      intervals: [],
    });
    // What the deployer attests: all 80 s, then (once 50 were refunded) the other 30.
    expect(
      (await listDowntimeToAttest(handle.db, new Date(T0 + 100_000))).find((d) => d.leaseId === "11"),
    ).toEqual({
      leaseId: "11",
      seconds: 80,
      total: 80,
      endsAt: new Date(T0 + 10 * 3600_000),
    });
    await handle.db.update(leaseSla).set({ attestedDowntimeSeconds: 50 }).where(eq(leaseSla.leaseId, "11"));
    expect(
      (await listDowntimeToAttest(handle.db, new Date(T0 + 100_000))).find((d) => d.leaseId === "11"),
    ).toMatchObject({
      leaseId: "11",
      seconds: 30,
      total: 80,
    });
    await handle.db.delete(leases).where(eq(leases.id, "10"));
  });

  it("counts an open interval until now, stops at the close, and is not doubled by a second controller or a restart", async () => {
    let t = T0;
    const cluster = fakeCluster();
    const make = () =>
      createLeaseController({
        db: handle.db,
        workload: cluster.workload,
        clientFor: cluster.clientFor,
        now: () => new Date(t),
        log: () => {},
      });
    const a = make();
    const b = make();
    await addRunningLease("12", new Date(T0));
    cluster.state.ready = false;
    t = T0 + 10_000;
    await Promise.all([a.tick(), b.tick()]);
    t = T0 + 11_000;
    // A restarted process (a fresh controller) sees the same outage: no second interval.
    await Promise.all([a.tick(), b.tick(), make().tick()]);
    expect(await intervals("12")).toEqual([{ cause: "pods-not-ready", from: 10, to: null }]);
    const open = await getLeaseUptime(handle.db, "12", new Date(T0 + 40_000));
    expect(open).toMatchObject({ observedSeconds: 40, downtimeSeconds: 30, uptimePercent: 25 });
    expect(open.intervals).toEqual([
      { cause: "pods-not-ready", startedAt: new Date(T0 + 10_000).toISOString(), endedAt: null, seconds: 30 },
    ]);
    // Closed on chain at +50 s; the controller tears it down at +60 s: counting stopped at the close.
    await handle.db
      .update(leases)
      .set({ status: "closed", closedAt: new Date(T0 + 50_000) })
      .where(eq(leases.id, "12"));
    t = T0 + 60_000;
    await a.tick();
    expect(await intervals("12")).toEqual([{ cause: "pods-not-ready", from: 10, to: 50 }]);
    expect(await getLeaseUptime(handle.db, "12", new Date(T0 + 500_000))).toMatchObject({
      observedSeconds: 50,
      downtimeSeconds: 40,
      uptimePercent: 20,
    });
    // A closed lease is not attested any more.
    expect(
      (await listDowntimeToAttest(handle.db, new Date(T0 + 500_000))).map((d) => d.leaseId),
    ).not.toContain("12");
  });
});

describe("downtime on the simulator", () => {
  let sim: Simulator;
  let client: ClusterClient;
  let simClusterId = "";

  beforeAll(async () => {
    sim = await startSimulator({
      podStartDelayMs: 40,
      tickMs: 20,
      clusters: [{ name: "d", nodes: [{ name: "d1", cpu: "4", memory: "16Gi" }] }],
    });
    const [row] = await handle.db
      .insert(clusters)
      .values({
        providerAddress: "0xp",
        name: "d",
        kubeconfigEnc: "x",
        server: sim.cluster("d").server,
        status: "up",
      })
      .returning();
    simClusterId = row?.id ?? "";
    // Short timeouts: a stopped cluster refuses at once, but the client must not wait long either.
    client = simClient(sim.cluster("d"), { timeoutMs: 2_000 });
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    await sim?.stop();
  });

  function deployment(replicas: number): V1Deployment {
    return {
      metadata: { name: "web" },
      spec: {
        replicas,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: {
            containers: [
              { name: "web", image: "nginx:1.27", resources: { requests: { cpu: "1500m", memory: "64Mi" } } },
            ],
          },
        },
      },
    };
  }

  it("records a stopped cluster as unreachable until it answers again, and pods that cannot all run as not ready", async () => {
    const ns = "kb-lease-20";
    await client.core.createNamespace({ body: { metadata: { name: ns } } });
    await client.apps.createNamespacedDeployment({ namespace: ns, body: deployment(2) });
    // The real clock drives this controller: the lease runs from a minute ago for ten hours (not from the
    // fake clock's T0, which a run later in the day would find already over, and torn down).
    await addRunningLease("20", new Date(Date.now() - 1000), {
      clusterId: simClusterId,
      namespace: ns,
      startedAt: new Date(Date.now() - 60_000),
      endsAt: new Date(Date.now() + 10 * 3600_000),
    });
    const controller = createLeaseController({
      db: handle.db,
      workload: k8sLeaseWorkload,
      clientFor: async () => client,
      log: () => {},
    });
    const leaseRow = async () => (await handle.db.select().from(leases).where(eq(leases.id, "20")))[0];
    await waitFor(
      async () => {
        await controller.tick();
        return (
          (await leaseRow())?.deployState === "running" && (await intervals("20")).every((i) => i.to !== null)
        );
      },
      10_000,
      "the lease running with no open interval",
    );
    const before = (await intervals("20")).length;

    // The cluster goes off the network for a while.
    await sim.cluster("d").stop();
    await controller.tick();
    const down = await intervals("20");
    expect(down.slice(before)).toEqual([
      { cause: "cluster-unreachable", from: expect.any(Number), to: null },
    ]);
    await new Promise((r) => setTimeout(r, 1_200));
    await controller.tick();
    expect((await intervals("20")).length).toBe(before + 1);
    await sim.cluster("d").start();
    await waitFor(
      async () => {
        await controller.tick();
        return (await intervals("20")).every((i) => i.to !== null);
      },
      10_000,
      "the interval closed once the cluster answers",
    );
    const [unreachable] = (await intervals("20")).slice(before);
    expect(unreachable?.cause).toBe("cluster-unreachable");
    expect((unreachable?.to ?? 0) - (unreachable?.from ?? 0)).toBeGreaterThanOrEqual(1.2);
    expect((await leaseRow())?.deployState).toBe("running");

    // Scaled beyond the node (4 CPUs, 1.5 per pod): the third pod stays Pending → not ready.
    await client.apps.patchNamespacedDeploymentScale({
      name: "web",
      namespace: ns,
      body: [{ op: "replace", path: "/spec/replicas", value: 3 }],
    });
    await waitFor(
      async () => {
        await controller.tick();
        return (await intervals("20")).some((i) => i.cause === "pods-not-ready" && i.to === null);
      },
      10_000,
      "a pods-not-ready interval",
    );
    const uptime = await getLeaseUptime(handle.db, "20");
    expect(uptime.downtimeSeconds).toBeGreaterThanOrEqual(1);
    expect(uptime.uptimePercent).toBeLessThan(100);
    expect(uptime.intervals.map((i) => i.cause).slice(-2)).toEqual(["cluster-unreachable", "pods-not-ready"]);
  }, 60_000);
});
