import { ApiException } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { ClusterClient } from "./cluster-client";
import { LEASE_POD_SELECTOR, MAX_PODS_PER_LEASE, readClusterLeasePods } from "./read-cluster-lease-pods";

// What a provider's cluster answers is untrusted: crafted answers through the one method the reader
// uses (the real cluster path is covered against the simulator in lib/lease/metrics-poller.test.ts).

function cluster(answers: { pods: unknown; metrics: unknown }) {
  const asked: { path: string; labelSelector: unknown }[] = [];
  const client = {
    async requestJson(path: string, opts?: { query?: Record<string, unknown> }) {
      asked.push({ path, labelSelector: opts?.query?.labelSelector });
      const answer = path === "/api/v1/pods" ? answers.pods : answers.metrics;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as ClusterClient;
  return { client, asked };
}

const pod = (namespace: string, name: string, extra: object = {}) => ({
  metadata: { name, namespace },
  spec: { containers: [{ name: "web", resources: { requests: { cpu: "250m", memory: "64Mi" } } }] },
  status: { phase: "Running" },
  ...extra,
});
const usage = (namespace: string, name: string, cpu = "100m", memory = "10Mi") => ({
  metadata: { name, namespace },
  containers: [{ name: "web", usage: { cpu, memory } }],
});

describe("readClusterLeasePods", () => {
  it("asks for pods and pod metrics cluster-wide by KubeBid's label selector, once each", async () => {
    const { client, asked } = cluster({ pods: { items: [] }, metrics: { items: [] } });
    await readClusterLeasePods(client, { leaseIds: ["1", "2", "3"] });
    expect(asked.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: "/api/v1/pods", labelSelector: LEASE_POD_SELECTOR },
      { path: "/apis/metrics.k8s.io/v1beta1/pods", labelSelector: LEASE_POD_SELECTOR },
    ]);
  });

  it("keeps only valid pods of the given leases' namespaces, once each, and usage only for those pods", async () => {
    const { client } = cluster({
      pods: {
        items: [
          pod("kb-lease-1", "web-b"),
          pod("kb-lease-1", "web-a"),
          pod("kb-lease-1", "web-a"), // duplicate
          pod("kb-lease-9", "web-0"), // a lease this cluster does not run
          pod("kube-system", "coredns"),
          { metadata: { name: 42, namespace: "kb-lease-1" } }, // malformed
          "not an object",
          pod("kb-lease-2", "api-0", { status: { phase: "Pending", reason: "Unschedulable" } }),
        ],
      },
      metrics: {
        items: [
          usage("kb-lease-1", "web-a", "150m", "20Mi"),
          usage("kb-lease-1", "web-a", "999", "1Gi"), // duplicate
          usage("kb-lease-1", "ghost"), // not in the pod list
          usage("kb-lease-9", "web-0"),
          { metadata: { name: "web-b" } }, // malformed
        ],
      },
    });
    const result = await readClusterLeasePods(client, { leaseIds: ["1", "2", "3"] });
    expect(result.metrics).toEqual({ available: true });
    expect(result.leases.get("1")?.pods.map((p) => p.name)).toEqual(["web-a", "web-b"]);
    // the container names the lease page's shell offers
    expect(result.leases.get("1")?.pods[0]?.containerNames).toEqual(["web"]);
    expect(result.leases.get("1")?.pods[0]?.requests).toEqual({
      cpuMillis: 250,
      memoryBytes: 64 * 1024 ** 2,
    });
    expect(result.leases.get("1")?.usage).toEqual([
      {
        pod: "web-a",
        cpuMillis: 150,
        memoryBytes: 20 * 1024 ** 2,
        containers: [{ container: "web", cpuMillis: 150, memoryBytes: 20 * 1024 ** 2 }],
      },
    ]);
    expect(result.leases.get("2")?.pods).toMatchObject([
      { name: "api-0", phase: "Pending", reasons: ["Unschedulable"] },
    ]);
    expect(result.leases.get("3")).toEqual({ pods: [], usage: [] });
    expect(result.leases.has("9")).toBe(false);
    expect(result.ignored).toBe(5 + 4);
  });

  it("reports each container's state and last state (OOMKilled, Error with exit code, back-off) and usage", async () => {
    const iso = "2026-11-30T10:00:00Z";
    const { client } = cluster({
      pods: {
        items: [
          pod("kb-lease-1", "web-a", {
            spec: {
              containers: [
                {
                  name: "app",
                  resources: { requests: { cpu: "200m", memory: "64Mi" }, limits: { memory: "128Mi" } },
                },
                { name: "side", resources: { requests: { cpu: "50m" } } },
              ],
            },
            status: {
              phase: "Running",
              containerStatuses: [
                {
                  name: "app",
                  ready: false,
                  restartCount: 3,
                  state: {
                    waiting: {
                      reason: "CrashLoopBackOff",
                      message: "back-off 40s restarting failed container=app",
                    },
                  },
                  lastState: {
                    terminated: { reason: "OOMKilled", exitCode: 137, startedAt: iso, finishedAt: iso },
                  },
                },
                {
                  name: "side",
                  ready: true,
                  restartCount: 1,
                  state: { running: { startedAt: iso } },
                  lastState: { terminated: { reason: "Error", exitCode: 2, finishedAt: iso } },
                },
              ],
            },
          }),
          // An exit code that is not a number: the pod is malformed and left out.
          pod("kb-lease-1", "web-b", {
            status: { containerStatuses: [{ name: "app", state: { terminated: { exitCode: "137" } } }] },
          }),
        ],
      },
      metrics: {
        items: [
          {
            metadata: { name: "web-a", namespace: "kb-lease-1" },
            containers: [
              { name: "side", usage: { cpu: "10m", memory: "5Mi" } },
              { name: "app", usage: { cpu: "150m", memory: "100Mi" } },
            ],
          },
        ],
      },
    });
    const result = await readClusterLeasePods(client, { leaseIds: ["1"] });
    const [web] = result.leases.get("1")?.pods ?? [];
    expect(result.leases.get("1")?.pods).toHaveLength(1);
    expect(web?.restarts).toBe(4);
    expect(web?.containerStatuses).toEqual([
      {
        name: "app",
        ready: false,
        restarts: 3,
        state: {
          state: "waiting",
          reason: "CrashLoopBackOff",
          message: "back-off 40s restarting failed container=app",
          exitCode: null,
          signal: null,
          startedAt: null,
          finishedAt: null,
        },
        lastState: {
          state: "terminated",
          reason: "OOMKilled",
          message: null,
          exitCode: 137,
          signal: null,
          startedAt: iso,
          finishedAt: iso,
        },
        requests: { cpuMillis: 200, memoryBytes: 64 * 1024 ** 2 },
        limits: { cpuMillis: null, memoryBytes: 128 * 1024 ** 2 },
      },
      {
        name: "side",
        ready: true,
        restarts: 1,
        state: expect.objectContaining({ state: "running", reason: null, startedAt: iso }),
        lastState: expect.objectContaining({ state: "terminated", reason: "Error", exitCode: 2 }),
        requests: { cpuMillis: 50, memoryBytes: null },
        limits: { cpuMillis: null, memoryBytes: null },
      },
    ]);
    expect(result.leases.get("1")?.usage).toEqual([
      {
        pod: "web-a",
        cpuMillis: 160,
        memoryBytes: 105 * 1024 ** 2,
        containers: [
          { container: "app", cpuMillis: 150, memoryBytes: 100 * 1024 ** 2 },
          { container: "side", cpuMillis: 10, memoryBytes: 5 * 1024 ** 2 },
        ],
      },
    ]);
  });

  it("counts at most MAX_PODS_PER_LEASE pods of one lease", async () => {
    const items = Array.from({ length: MAX_PODS_PER_LEASE + 10 }, (_, i) => pod("kb-lease-1", `p-${i}`));
    const { client } = cluster({ pods: { items }, metrics: { items: [] } });
    const result = await readClusterLeasePods(client, { leaseIds: ["1"] });
    expect(result.leases.get("1")?.pods).toHaveLength(MAX_PODS_PER_LEASE);
    expect(result.ignored).toBe(10);
  });

  it("reports a cluster without a metrics API, or without the permission, as metrics unavailable", async () => {
    for (const [code, reason] of [
      [404, /no metrics API/],
      [503, /no metrics API/],
      [403, /not allowed/],
    ] as const) {
      const { client } = cluster({
        pods: { items: [pod("kb-lease-1", "web-a")] },
        metrics: new ApiException(code, "nope", {}, {}),
      });
      const result = await readClusterLeasePods(client, { leaseIds: ["1"] });
      expect(result.metrics).toEqual({ available: false, reason: expect.stringMatching(reason) });
      expect(result.leases.get("1")).toMatchObject({ pods: [{ name: "web-a" }], usage: [] });
    }
  });

  it("fails with a cluster error when an answer is not a list", async () => {
    for (const answers of [
      { pods: "<html>", metrics: { items: [] } },
      { pods: { items: "x" }, metrics: { items: [] } },
      { pods: { items: [] }, metrics: 17 },
    ]) {
      const { client } = cluster(answers);
      await expect(readClusterLeasePods(client, { leaseIds: ["1"] })).rejects.toMatchObject({
        code: "UPSTREAM_UNAVAILABLE",
      });
    }
  });
});
