import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { clusters, leaseDeploys, leaseStatus, leases, manifests, orders } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { buildLeaseObjects } from "@/lib/k8s/build-lease-objects";
import type { ClusterClient } from "@/lib/k8s/cluster-client";
import { createLeaseController } from "@/lib/lease/lease-controller";
import type { LeaseWorkload } from "@/lib/lease/workload";
import { canonicalizeManifest, manifestServices, secretDigest } from "@/lib/market/manifest";
import { storeSecretValues } from "@/lib/market/secret-values";

const provider = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const tenant = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc";
const good = canonicalizeManifest({ name: "web", image: "nginx:1.27", resources: { cpu: 250, memory: 256 } });
const other = canonicalizeManifest({ name: "evil", image: "evil:1", resources: { cpu: 250, memory: 256 } });

function fakeWorkload(opts: { applyMs?: number } = {}) {
  const calls: string[] = [];
  const applied: Parameters<LeaseWorkload["apply"]>[1][] = [];
  const pods = new Map<string, { phase: string; ready: boolean }>();
  const workload: LeaseWorkload = {
    async apply(_c, lease) {
      calls.push(`apply ${lease.leaseId} ${manifestServices(lease.manifest).services[0]?.image}`);
      applied.push(lease);
      // A real apply takes a while: long enough for a second controller to look at the same lease.
      if (opts.applyMs) await new Promise((r) => setTimeout(r, opts.applyMs));
      pods.set(lease.leaseId, { phase: "Running", ready: true });
      return { namespace: `kb-lease-${lease.leaseId}` };
    },
    async teardown(_c, lease) {
      calls.push(`teardown ${lease.leaseId}`);
      pods.delete(lease.leaseId);
    },
    async status(_c, lease) {
      const p = pods.get(lease.leaseId);
      const base = {
        readyContainers: 1,
        containers: 1,
        containerStatuses: [],
        restarts: 0,
        node: "n1",
        createdAt: null,
        reason: null,
        requests: { cpuMillis: 250, memoryBytes: 256 * 2 ** 20 },
        limits: { cpuMillis: 250, memoryBytes: 256 * 2 ** 20 },
      };
      return { pods: p ? [{ name: "web-0", ...base, ...p }] : [], events: [], endpoints: [] };
    },
    async metrics() {
      return { available: true, usage: [] };
    },
  };
  return { workload, calls, applied };
}

let handle: DbHandle;
let clusterId = "";

beforeAll(async () => {
  handle = await createTestDb();
  const [c] = await handle.db
    .insert(clusters)
    .values({
      providerAddress: provider,
      name: "c1",
      kubeconfigEnc: "x",
      server: "https://127.0.0.1:1",
      status: "up",
    })
    .returning();
  clusterId = c?.id ?? "";
});
afterAll(async () => handle.close());

async function addLease(id: string, specHash: string, body: unknown) {
  await handle.db.insert(orders).values({
    id,
    tenant,
    specHash,
    resources: { cpuMillis: 250, memoryMiB: 256, storageMiB: 1024, gpuCount: 0, gpuModel: null },
    maxPricePerHour: "100000",
    durationSeconds: 3600,
    deposit: "100000",
    bidWindowEndsAt: new Date(),
    status: "leased",
    createdBlock: 1n,
    txHash: `0x${id}`,
  });
  if (body)
    await handle.db
      .insert(manifests)
      .values({ specHash, tenant, body, signature: "0x", order: {} })
      .onConflictDoNothing();
  await handle.db.insert(leases).values({
    id,
    orderId: id,
    tenant,
    provider,
    pricePerHour: "50000",
    deposit: "100000",
    startedAt: new Date(),
    endsAt: new Date(Date.now() + 3600_000),
    createdBlock: 2n,
  });
}

const leaseRow = async (id: string) => (await handle.db.select().from(leases).where(eq(leases.id, id)))[0];

describe("lease controller", () => {
  it("deploys a lease whose manifest hashes to the order's specHash, follows it to running, tears it down on close", async () => {
    const { workload, calls } = fakeWorkload();
    const controller = createLeaseController({
      db: handle.db,
      workload,
      clientFor: async () => ({}) as ClusterClient,
      log: () => {},
    });
    await addLease("1", good.specHash, good.manifest);
    await controller.tick();
    expect(calls).toEqual(["apply 1 nginx:1.27"]);
    expect(await leaseRow("1")).toMatchObject({
      deployState: "deploying",
      namespace: "kb-lease-1",
      clusterId,
    });
    await controller.tick();
    expect((await leaseRow("1"))?.deployState).toBe("running");
    // What it read is there for every app process's lease page.
    const [stored] = await handle.db.select().from(leaseStatus).where(eq(leaseStatus.leaseId, "1"));
    expect(stored?.status.pods.map((p) => p.name)).toEqual(["web-0"]);
    await handle.db.update(leases).set({ status: "closed" }).where(eq(leases.id, "1"));
    await controller.tick();
    expect(calls).toContain("teardown 1");
    expect((await leaseRow("1"))?.deployState).toBe("torn_down");
    expect(await handle.db.select().from(leaseStatus).where(eq(leaseStatus.leaseId, "1"))).toEqual([]);
  });

  it("refuses to deploy a stored manifest whose hash is not the order's specHash", async () => {
    const { workload, calls } = fakeWorkload();
    const controller = createLeaseController({
      db: handle.db,
      workload,
      clientFor: async () => ({}) as ClusterClient,
      log: () => {},
    });
    // The row claims the good hash but holds another body (tampered storage).
    await addLease("2", `0x${"ab".repeat(32)}`, null);
    await handle.db
      .insert(manifests)
      .values({ specHash: `0x${"ab".repeat(32)}`, tenant, body: other.manifest, signature: "0x", order: {} });
    await controller.tick();
    expect(calls).toEqual([]);
    const row = await leaseRow("2");
    expect(row?.deployState).toBe("failed");
    expect(row?.deployError).toMatch(/hash does not match/);
  });

  it("waits (pending) while the manifest is missing, and re-applies a running workload that is gone after a restart", async () => {
    const first = fakeWorkload();
    const controller = createLeaseController({
      db: handle.db,
      workload: first.workload,
      clientFor: async () => ({}) as ClusterClient,
      log: () => {},
    });
    await addLease("3", `0x${"cd".repeat(32)}`, null);
    await controller.tick();
    expect(await leaseRow("3")).toMatchObject({
      deployState: "pending",
      deployError: "waiting for the tenant's manifest",
    });

    await handle.db.insert(leases).values({
      id: "4",
      orderId: "1",
      tenant,
      provider,
      pricePerHour: "1",
      deposit: "1",
      startedAt: new Date(),
      endsAt: new Date(Date.now() + 3600_000),
      createdBlock: 3n,
      deployState: "running",
      clusterId,
      namespace: "kb-lease-4",
    });
    const restarted = fakeWorkload();
    const after = createLeaseController({
      db: handle.db,
      workload: restarted.workload,
      clientFor: async () => ({}) as ClusterClient,
      log: () => {},
    });
    await after.tick();
    expect(restarted.calls).toContain("apply 4 nginx:1.27");
  });

  it("deploys a lease once when two controllers run at the same time (split brain)", async () => {
    const { workload, calls } = fakeWorkload({ applyMs: 200 });
    const make = () =>
      createLeaseController({
        db: handle.db,
        workload,
        clientFor: async () => ({}) as ClusterClient,
        log: () => {},
      });
    const [a, b] = [make(), make()];
    await addLease("10", good.specHash, good.manifest);
    await Promise.all([a.tick(), b.tick()]);
    await Promise.all([a.tick(), b.tick()]);
    expect(calls.filter((c) => c.startsWith("apply 10 "))).toHaveLength(1);
    expect(await leaseRow("10")).toMatchObject({ deployState: "running", clusterId });
    const [claim] = await handle.db.select().from(leaseDeploys).where(eq(leaseDeploys.leaseId, "10"));
    expect(claim?.appliedAt).toBeInstanceOf(Date);
  });

  it("does not apply again a deploy that a process applied before it died, and leaves a present workload alone after a failover", async () => {
    const first = fakeWorkload();
    await addLease("11", good.specHash, good.manifest);
    // The dead process claimed and applied, but never recorded the lease's state.
    await handle.db
      .insert(leaseDeploys)
      .values({ leaseId: "11", specHash: good.specHash.toLowerCase(), clusterId, appliedAt: new Date() });
    await first.workload.apply({} as ClusterClient, {
      leaseId: "11",
      tenant,
      specHash: good.specHash,
      manifest: good.manifest,
    });
    const takeover = createLeaseController({
      db: handle.db,
      workload: first.workload,
      clientFor: async () => ({}) as ClusterClient,
      log: () => {},
    });
    await takeover.tick();
    await takeover.tick();
    expect(first.calls.filter((c) => c.startsWith("apply 11 "))).toHaveLength(1);
    expect(await leaseRow("11")).toMatchObject({
      deployState: "running",
      namespace: "kb-lease-11",
      clusterId,
    });
    // Another new holder (first tick): the workload is there, nothing is re-applied.
    const again = createLeaseController({
      db: handle.db,
      workload: first.workload,
      clientFor: async () => ({}) as ClusterClient,
      log: () => {},
    });
    await again.tick();
    expect(first.calls.filter((c) => c.startsWith("apply 11 "))).toHaveLength(1);
  });

  it("tears down a lease that ran out", async () => {
    const { workload, calls } = fakeWorkload();
    await handle.db
      .update(leases)
      .set({ endsAt: new Date(Date.now() - 1000) })
      .where(eq(leases.id, "4"));
    const controller = createLeaseController({
      db: handle.db,
      workload,
      clientFor: async () => ({}) as ClusterClient,
      log: () => {},
    });
    await controller.tick();
    expect(calls).toContain("teardown 4");
  });
});

describe("lease controller and secrets", () => {
  const secretKey = randomBytes(32);
  const salt = `0x${"11".repeat(32)}` as const;
  const withSecret = canonicalizeManifest({
    version: 2,
    name: "app",
    services: [
      {
        name: "api",
        image: "ghcr.io/acme/api:1",
        env: [{ name: "DB_PASSWORD", secret: "db-password" }],
        ports: [{ name: "http", port: 8080, expose: "http" }],
        resources: { cpu: 250, memory: 256 },
      },
    ],
    secrets: [{ name: "db-password", digest: secretDigest(salt, "hunter2") }],
  });

  it("fails a lease the cluster cannot run (an HTTP port, no IngressClass) instead of retrying it", async () => {
    await handle.db.update(clusters).set({ exposure: null }).where(eq(clusters.id, clusterId));
    const { workload, calls } = fakeWorkload();
    const controller = createLeaseController({
      db: handle.db,
      workload,
      clientFor: async () => ({}) as ClusterClient,
      log: () => {},
      secretKey,
    });
    const http = canonicalizeManifest({
      version: 2,
      name: "site",
      services: [
        {
          name: "site",
          image: "nginx:1.27",
          ports: [{ port: 80, expose: "http" }],
          resources: { cpu: 250, memory: 256 },
        },
      ],
    });
    await addLease("51", http.specHash, http.manifest);
    await controller.tick();
    expect(calls.filter((c) => c.startsWith("apply 51 "))).toEqual([]);
    expect(await leaseRow("51")).toMatchObject({
      deployState: "failed",
      deployError: 'Service "site" exposes port 80 over HTTP, but this cluster offers no HTTP exposure.',
    });
  });

  it("waits for the tenant's secret values without applying, then deploys with them and the cluster's exposure", async () => {
    const exposure = {
      ingressClass: "nginx",
      ingressNamespace: "ingress-nginx",
      baseDomain: "apps.example.com",
      tls: null,
      ports: "nodeport" as const,
    };
    await handle.db
      .update(clusters)
      .set({ exposure, userNamespaces: true, storageClasses: [{ name: "fast", pricePerGiBHour: "1" }] })
      .where(eq(clusters.id, clusterId));
    const { workload, calls, applied } = fakeWorkload();
    const controller = createLeaseController({
      db: handle.db,
      workload,
      clientFor: async () => ({}) as ClusterClient,
      log: () => {},
      secretKey,
    });
    await addLease("50", withSecret.specHash, withSecret.manifest);
    // (Leases of the tests above may still be handled; only lease 50 is looked at.)
    const mine = () => calls.filter((c) => c.startsWith("apply 50 "));
    await controller.tick();
    expect(mine()).toEqual([]);
    expect(await leaseRow("50")).toMatchObject({
      deployState: "pending",
      deployError: "waiting for the tenant's secret values",
    });
    await storeSecretValues(
      handle.db,
      withSecret.specHash,
      withSecret.manifest,
      [{ name: "db-password", salt, value: "hunter2" }],
      secretKey,
    );
    await controller.tick();
    expect(mine()).toEqual(["apply 50 ghcr.io/acme/api:1"]);
    expect(applied.find((a) => a.leaseId === "50")).toMatchObject({
      leaseId: "50",
      secretValues: { "db-password": "hunter2" },
      exposure,
      userNamespaces: true,
      storageClasses: ["fast"],
    });
    expect(await leaseRow("50")).toMatchObject({ deployState: "deploying", deployError: null });
  });
});

describe("lease controller and spec updates", () => {
  // Bought: 2 replicas of 250m/256Mi. Revision 1 runs one replica (room for a surge pod), revision 2
  // two (none), revision 3 rolls back to revision 1's hash.
  const v2 = (image: string, replicas: number) =>
    canonicalizeManifest({
      version: 2,
      name: "web",
      services: [{ name: "web", image, resources: { cpu: 250, memory: 256, storage: 512 }, replicas }],
    });
  const bought = v2("nginx:1.27", 2);
  const one = v2("nginx:1.28", 1);
  const two = v2("nginx:1.28", 2);

  async function update(id: string, spec: ReturnType<typeof v2>, revision: number) {
    await handle.db
      .insert(manifests)
      .values({ specHash: spec.specHash, tenant, body: spec.manifest, signature: "0x", order: {} })
      .onConflictDoNothing();
    await handle.db
      .update(leases)
      .set({ specHash: spec.specHash.toLowerCase(), specRevision: revision })
      .where(eq(leases.id, id));
  }
  const strategies = (input: Parameters<LeaseWorkload["apply"]>[1]) =>
    buildLeaseObjects(input)
      .objects.filter((o) => o.kind === "Deployment")
      .map((o) => (o.spec as { strategy: { type: string } }).strategy.type);

  it("re-applies the lease's spec hash when an update changes it, with the strategy the spare allows, and a rollback too", async () => {
    const fake = fakeWorkload();
    const { workload } = fake;
    // Leases of earlier tests are in the same database: only this one's applies count.
    const calls = () => fake.calls.filter((c) => c.startsWith("apply 40 "));
    const applied = () => fake.applied.filter((a) => a.leaseId === "40");
    const controller = createLeaseController({
      db: handle.db,
      workload,
      clientFor: async () => ({}) as ClusterClient,
      log: () => {},
    });
    await addLease("40", bought.specHash, bought.manifest);
    await controller.tick();
    await controller.tick();
    expect(calls()).toEqual(["apply 40 nginx:1.27"]);
    expect((await leaseRow("40"))?.deployState).toBe("running");
    // The order's manifest fills what was bought: no room for a surge pod.
    expect(strategies(applied()[0]!)).toEqual(["Recreate"]);

    await update("40", one, 1);
    await controller.tick();
    expect(calls()).toEqual(["apply 40 nginx:1.27", "apply 40 nginx:1.28"]);
    expect(applied()[1]).toMatchObject({ specHash: one.specHash.toLowerCase() });
    expect(applied()[1]?.bought).toMatchObject({ cpuMillis: 500, memoryMiB: 512, storageMiB: 1024 });
    expect(strategies(applied()[1]!)).toEqual(["RollingUpdate"]);
    // Applied once: the next tick only follows it.
    await controller.tick();
    expect(calls()).toHaveLength(2);

    await update("40", two, 2);
    await controller.tick();
    expect(strategies(applied()[2]!)).toEqual(["Recreate"]);

    // A rollback is a new revision of an earlier hash: applied again.
    await update("40", one, 3);
    await controller.tick();
    expect(applied().map((a) => a.specHash)).toEqual(
      [bought, one, two, one].map((s) => s.specHash.toLowerCase()),
    );
    expect((await leaseRow("40"))?.deployState).not.toBe("failed");
  });

  it("leaves the running revision alone when an update's manifest is not stored or not its hash", async () => {
    const fake = fakeWorkload();
    const { workload } = fake;
    const controller = createLeaseController({
      db: handle.db,
      workload,
      clientFor: async () => ({}) as ClusterClient,
      log: () => {},
    });
    await addLease("41", bought.specHash, bought.manifest);
    await controller.tick();
    await controller.tick();
    // An update to a hash whose stored body is another manifest.
    const forged = `0x${"cd".repeat(32)}`;
    await handle.db
      .insert(manifests)
      .values({ specHash: forged, tenant, body: one.manifest, signature: "0x", order: {} });
    await handle.db.update(leases).set({ specHash: forged, specRevision: 1 }).where(eq(leases.id, "41"));
    await controller.tick();
    expect(fake.calls.filter((c) => c.startsWith("apply 41 "))).toEqual(["apply 41 nginx:1.27"]);
    expect(await leaseRow("41")).toMatchObject({
      deployState: "running",
      deployError: expect.stringContaining("revision 1 not rolled out: manifest hash does not match"),
    });
  });
});
