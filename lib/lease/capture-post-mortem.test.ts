import type { V1Deployment } from "@kubernetes/client-node";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { clusters, leasePostMortems, leases } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { type Simulator, startSimulator } from "@/dev/k8s-sim/simulator";
import { waitFor } from "@/dev/k8s-sim/test-helpers";
import type { ClusterClient } from "@/lib/k8s/cluster-client";
import { simClient } from "@/lib/k8s/sim-test-client";
import { capturePostMortem } from "@/lib/lease/capture-post-mortem";
import { k8sLeaseWorkload } from "@/lib/lease/k8s-workload";
import { createLeaseController } from "@/lib/lease/lease-controller";
import { saveLeaseStatus } from "@/lib/lease/lease-status-store";
import { POST_MORTEM_LINE_CHARS, POST_MORTEM_LOG_LINES } from "@/lib/lease/post-mortem-types";
import { readPostMortem } from "@/lib/lease/read-post-mortem";
import type { LeaseStatusView } from "@/lib/lease/types";

// The post-mortem against the simulator: a lease whose pod has a container killed at its memory limit
// (memhog → OOMKilled, 137), one that crashes (crashloop → Error, exit 1, a panic in its last words)
// and a healthy one, closed on chain with a reason; then a cluster that does not answer at close.

let handle: DbHandle;
let sim: Simulator;
let client: ClusterClient;
let clusterId = "";
const tenant = "0x1111111111111111111111111111111111111111";

function deployment(): V1Deployment {
  const resources = (memory: string) => ({
    requests: { cpu: "50m", memory },
    limits: { cpu: "200m", memory },
  });
  return {
    metadata: { name: "web" },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          containers: [
            { name: "hog", image: "ghcr.io/acme/memhog:1", resources: resources("64Mi") },
            { name: "crash", image: "ghcr.io/acme/crashloop:1", resources: resources("64Mi") },
            { name: "web", image: "ghcr.io/acme/web:1.0", resources: resources("64Mi") },
          ],
        },
      },
    },
  };
}

async function addLease(id: string, values: Partial<typeof leases.$inferInsert>) {
  await handle.db.insert(leases).values({
    id,
    orderId: id,
    tenant,
    provider: "0xp",
    pricePerHour: "1",
    deposit: "1",
    startedAt: new Date(),
    createdBlock: 1n,
    deployState: "running",
    clusterId,
    namespace: `kb-lease-${id}`,
    ...values,
  });
}

beforeAll(async () => {
  sim = await startSimulator({
    podStartDelayMs: 40,
    tickMs: 20,
    clusters: [{ name: "a", nodes: [{ name: "a1", cpu: "8", memory: "32Gi" }] }],
  });
  handle = await createTestDb();
  const [row] = await handle.db
    .insert(clusters)
    .values({
      providerAddress: "0xp",
      name: "a",
      kubeconfigEnc: "x",
      server: sim.cluster("a").server,
      status: "up",
    })
    .returning();
  clusterId = row?.id ?? "";
  client = simClient(sim.cluster("a"));
}, 60_000);

afterAll(async () => {
  await client?.close();
  await sim?.stop();
  await handle?.close();
});

describe("post-mortem", () => {
  it("is captured at close, before the namespace goes: reason, final pod states, events, current and previous logs", async () => {
    await client.core.createNamespace({ body: { metadata: { name: "kb-lease-5" } } });
    await client.apps.createNamespacedDeployment({ namespace: "kb-lease-5", body: deployment() });
    // Both failing containers have ended at least once and are backing off.
    await waitFor(
      async () => {
        const [pod] = (await client.core.listNamespacedPod({ namespace: "kb-lease-5" })).items;
        const byName = new Map((pod?.status?.containerStatuses ?? []).map((c) => [c.name, c]));
        return ["hog", "crash"].every((n) => byName.get(n)?.state?.waiting?.reason === "CrashLoopBackOff");
      },
      10_000,
      "hog and crash in CrashLoopBackOff",
    );
    await addLease("5", { status: "closed", closeReason: "tenant: finished", closedAt: new Date() });
    const controller = createLeaseController({
      db: handle.db,
      workload: k8sLeaseWorkload,
      clientFor: async () => client,
      log: () => {},
    });
    await controller.tick();

    const [lease] = await handle.db.select().from(leases).where(eq(leases.id, "5"));
    expect(lease?.deployState).toBe("torn_down");
    const pm = await readPostMortem({ db: handle.db, leaseId: "5" });
    expect(pm?.reachable).toBe(true);
    const body = pm?.body;
    expect(body).toMatchObject({ trigger: "closed", closeReason: "tenant: finished", clusterError: null });

    expect(body?.pods).toHaveLength(1);
    const containers = new Map(body?.pods[0]?.containerStatuses.map((c) => [c.name, c]));
    expect(containers.get("hog")?.lastState).toMatchObject({
      state: "terminated",
      reason: "OOMKilled",
      exitCode: 137,
    });
    // The simulator's back-off starts at 200 ms here: at the moment of capture a failing container is
    // backing off or already running again; either way the capture says which, in the kubelet's words.
    const hog = containers.get("hog")?.state;
    if (hog?.state === "waiting") {
      expect(hog).toMatchObject({ reason: "CrashLoopBackOff" });
      expect(hog.message).toMatch(/^back-off \d+s restarting failed container=hog/);
      expect(body?.pods[0]?.reason).toBe("CrashLoopBackOff");
    } else expect(hog?.state).toBe("running");
    expect(containers.get("hog")?.restarts).toBeGreaterThanOrEqual(1);
    expect(containers.get("crash")?.lastState).toMatchObject({ reason: "Error", exitCode: 1 });
    expect(containers.get("web")).toMatchObject({ ready: true, restarts: 0, state: { state: "running" } });

    expect(body?.events.map((e) => e.reason)).toEqual(
      expect.arrayContaining(["Scheduled", "Started", "BackOff"]),
    );
    expect(body?.events.find((e) => e.reason === "BackOff")?.message).toMatch(
      /Back-off restarting failed container/,
    );

    const logs = body?.logs ?? [];
    const log = (container: string, previous: boolean) =>
      logs.find((l) => l.container === container && l.previous === previous);
    // Backing off: only the previous instance (the kubelet's "current" log would be the same one).
    if (containers.get("crash")?.state?.state === "waiting") expect(log("crash", false)).toBeUndefined();
    expect(log("crash", true)?.error).toBeNull();
    expect(log("crash", true)?.lines.join("\n")).toContain("panic: runtime error");
    expect(log("hog", true)?.error).toBeNull();
    expect(log("hog", true)?.lines.length).toBeGreaterThan(0);
    // The healthy container: its current log only (it never restarted), timestamped.
    expect(log("web", true)).toBeUndefined();
    expect(log("web", false)?.lines[0]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    for (const l of logs) {
      expect(l.lines.length).toBeLessThanOrEqual(1000);
      for (const line of l.lines) expect(line.length).toBeLessThanOrEqual(POST_MORTEM_LINE_CHARS);
    }

    // The namespace is being deleted; a second tick neither re-captures nor touches the record.
    const before = await handle.db.select().from(leasePostMortems).where(eq(leasePostMortems.leaseId, "5"));
    await controller.tick();
    expect(await handle.db.select().from(leasePostMortems).where(eq(leasePostMortems.leaseId, "5"))).toEqual(
      before,
    );
  }, 30_000);

  it("keeps what the status store last saw when the cluster does not answer, and replaces it once it does", async () => {
    const seen: LeaseStatusView = {
      pods: [
        {
          name: "api-0",
          phase: "Running",
          ready: true,
          readyContainers: 1,
          containers: 1,
          restarts: 2,
          node: "a1",
          createdAt: null,
          reason: null,
          requests: { cpuMillis: 50, memoryBytes: 64 * 1024 ** 2 },
          limits: { cpuMillis: 200, memoryBytes: 64 * 1024 ** 2 },
          containerStatuses: [],
        },
      ],
      events: [
        { type: "Warning", reason: "BackOff", message: "Back-off", object: "Pod/api-0", count: 2, at: null },
      ],
      endpoints: [],
    };
    const seenAt = new Date(Date.now() - 60_000);
    await saveLeaseStatus({ db: handle.db, leaseId: "6", status: seen, at: seenAt });
    await addLease("6", { status: "active", endsAt: new Date(Date.now() - 1000) });
    const [lease] = await handle.db.select().from(leases).where(eq(leases.id, "6"));
    if (!lease) throw new Error("no lease");

    const down = simClient(sim.cluster("a"), { timeoutMs: 1000 });
    // A client whose every request fails the way an unreachable cluster's does.
    const unreachable = {
      ...down,
      requestJson: async () => {
        throw Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:6443"), { code: "ECONNREFUSED" });
      },
    } as ClusterClient;
    await capturePostMortem({ db: handle.db, lease, clientFor: async () => unreachable, now: new Date() });
    let pm = await readPostMortem({ db: handle.db, leaseId: "6" });
    expect(pm?.reachable).toBe(false);
    expect(pm?.body).toMatchObject({
      trigger: "exhausted",
      closeReason: null,
      observedAt: seenAt.toISOString(),
      pods: seen.pods,
      events: seen.events,
      logs: [],
    });
    expect(pm?.body.clusterError).toMatch(/ECONNREFUSED|could not|did not/i);

    // The cluster answers at the next attempt (the teardown is retried): the real capture replaces it.
    await capturePostMortem({ db: handle.db, lease, clientFor: async () => client, now: new Date() });
    pm = await readPostMortem({ db: handle.db, leaseId: "6" });
    expect(pm?.reachable).toBe(true);
    expect(pm?.body.clusterError).toBeNull();
    expect(pm?.body.pods).toEqual([]); // nothing ran in kb-lease-6 on this cluster
    await down.close();
  });
  it("trusts nothing the cluster sends: malformed objects dropped, texts cut, logs bounded to the last lines", async () => {
    await addLease("7", { status: "closed", closeReason: "provider: maintenance" });
    const [lease] = await handle.db.select().from(leases).where(eq(leases.id, "7"));
    if (!lease) throw new Error("no lease");
    const ns = "kb-lease-7";
    const container = (name: string) => ({
      name,
      restartCount: 1,
      state: { running: { startedAt: "2026-11-30T10:00:00Z" } },
      lastState: { terminated: { reason: "OOMKilled", exitCode: 137 } },
    });
    const answers: Record<string, unknown> = {
      [`/api/v1/namespaces/${ns}/pods`]: {
        items: [
          {
            metadata: { name: "web-0", namespace: ns },
            spec: { containers: [{ name: "app" }] },
            status: { phase: "Running", containerStatuses: [container("app")] },
          },
          { metadata: { name: "other", namespace: "kube-system" }, status: { phase: "Running" } }, // not its namespace
          { metadata: { name: 7, namespace: ns } }, // malformed
        ],
      },
      [`/api/v1/namespaces/${ns}/events`]: {
        items: [
          {
            type: "Warning",
            reason: "OOMKilling",
            message: "x".repeat(50_000),
            involvedObject: { kind: "Pod", name: "web-0" },
            lastTimestamp: "2026-11-30T10:00:00Z",
          },
          { type: "Normal", reason: { nested: "object" } }, // malformed
        ],
      },
    };
    const asked: string[] = [];
    const hostile = {
      requestJson: async (path: string) => answers[path],
      // Ignores tailLines and limitBytes: 3,000 lines, some far too long.
      podLogs: async (_ns: string, _pod: string, o: { previous?: boolean; container?: string }) => {
        asked.push(`${o.container}${o.previous ? " previous" : ""}`);
        const lines = Array.from({ length: 3000 }, (_, i) =>
          i % 100 === 0 ? "y".repeat(10_000) : `line ${i}`,
        );
        return new ReadableStream<Uint8Array>({
          start(c) {
            c.enqueue(new TextEncoder().encode(`${lines.join("\n")}\n`));
            c.close();
          },
        });
      },
    } as unknown as ClusterClient;
    await capturePostMortem({ db: handle.db, lease, clientFor: async () => hostile, now: new Date() });
    const body = (await readPostMortem({ db: handle.db, leaseId: "7" }))?.body;
    expect(body?.closeReason).toBe("provider: maintenance");
    expect(body?.pods.map((p) => p.name)).toEqual(["web-0"]);
    expect(body?.events).toHaveLength(1);
    expect(body?.events[0]?.message.length).toBeLessThanOrEqual(1024);
    expect(asked.sort()).toEqual(["app", "app previous"]);
    for (const log of body?.logs ?? []) {
      expect(log).toMatchObject({ pod: "web-0", container: "app", truncated: true, error: null });
      expect(log.lines).toHaveLength(POST_MORTEM_LOG_LINES);
      expect(log.lines.at(-1)).toBe("line 2999");
      expect(Math.max(...log.lines.map((l) => l.length))).toBe(POST_MORTEM_LINE_CHARS);
    }
  });
});
