import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator, type TokenRule } from "@/dev/k8s-sim/simulator";
import type { ClusterClient } from "./cluster-client";
import { type ProbeCheck, probeCluster, runProbe } from "./probe-cluster";
import { generateRbacManifest } from "./rbac-manifest";
import { REQUIRED_PERMISSIONS } from "./required-permissions";
import { simClient } from "./sim-test-client";

let sim: Simulator;
const clients: ClusterClient[] = [];
const client = (...args: Parameters<typeof simClient>) => {
  const c = simClient(...args);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  sim = await startSimulator({
    clusters: [
      {
        name: "gpu",
        region: "eu-central-1",
        nodes: [
          { name: "g1", cpu: "32", memory: "128Gi", gpus: 4, gpuProduct: "NVIDIA-A100-SXM4-80GB" },
          { name: "c1", cpu: "8", memory: "32Gi" },
          { name: "cordoned", cpu: "8", memory: "32Gi", unschedulable: true },
        ],
      },
      { name: "nometrics", nodes: [{ name: "n1", cpu: "4", memory: "8Gi" }], metricsApi: false },
      { name: "down", nodes: [{ name: "n1", cpu: "4", memory: "8Gi" }] },
    ],
  });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await sim?.stop();
});

const byId = (checks: ProbeCheck[]) => Object.fromEntries(checks.map((c) => [c.id, c]));

describe("probeCluster", () => {
  it("passes every check with the RBAC manifest's rules and yields checks as they complete", async () => {
    const rules: TokenRule[] = generateRbacManifest().rules;
    const token = sim
      .cluster("gpu")
      .issueToken({ user: "system:serviceaccount:kubebid-system:kubebid", rules });
    const seen: string[] = [];
    const summary = await runProbe(client(sim.cluster("gpu"), { token }), (c) => seen.push(c.id));
    expect(summary.checks.filter((c) => c.status !== "pass")).toEqual([]);
    expect(summary.ok).toBe(true);
    expect(seen).toEqual(summary.checks.map((c) => c.id));
    expect(seen).toEqual([
      "connection",
      "credentials",
      ...REQUIRED_PERMISSIONS.map((p) => `perm:${p.id}`),
      "least-privilege",
      "nodes",
      "gpus",
      "region",
      "metrics-api",
    ]);
    const checks = byId(summary.checks);
    expect(summary.version).toMatch(/^v1\./);
    expect(checks.nodes?.detail).toMatch(/^2 of 3 nodes/);
    expect(checks.gpus?.detail).toBe("4 × NVIDIA-A100-SXM4-80GB");
    expect(checks.region?.detail).toBe("eu-central-1");
    expect(summary.metricsApi).toBe(true);
    expect(summary.inventory?.allocatable.cpuMillis).toBe(40_000);
  });

  it.each(REQUIRED_PERMISSIONS.flatMap((p) => p.verbs.map((verb) => [p.id, verb] as const)))(
    "a token lacking %s %s fails exactly that check",
    async (id, verb) => {
      const rules = generateRbacManifest().rules.map((r, i) =>
        REQUIRED_PERMISSIONS[i]?.id === id ? { ...r, verbs: r.verbs.filter((v) => v !== verb) } : r,
      );
      const token = sim.cluster("gpu").issueToken({ rules });
      const summary = await runProbe(client(sim.cluster("gpu"), { token }));
      const notPassing = summary.checks.filter((c) => c.status !== "pass");
      const optional = REQUIRED_PERMISSIONS.find((p) => p.id === id)?.optional;
      // nodes/gpus/region need node and pod reads: without them those checks are skipped, not failed.
      expect(notPassing.map((c) => [c.id, c.status])).toEqual([[`perm:${id}`, optional ? "warn" : "fail"]]);
      expect(notPassing[0]?.detail).toContain(`Missing: ${verb}`);
      expect(notPassing[0]?.hint).toMatch(/RBAC manifest/);
      expect(summary.ok).toBe(!!optional);
    },
  );

  it("reports a wrong token as rejected credentials", async () => {
    const summary = await runProbe(client(sim.cluster("gpu"), { token: "not-a-real-token" }));
    const checks = byId(summary.checks);
    expect(checks.connection?.status).toBe("pass");
    expect(checks.credentials).toMatchObject({ status: "fail", detail: expect.stringMatching(/401/) });
    expect(summary.ok).toBe(false);
    expect(summary.checks).toHaveLength(2);
  });

  it("warns when the metrics API is missing", async () => {
    const summary = await runProbe(client(sim.cluster("nometrics")));
    const checks = byId(summary.checks);
    expect(checks["metrics-api"]).toMatchObject({
      status: "warn",
      hint: expect.stringMatching(/metrics-server/),
    });
    expect(checks.region?.status).toBe("warn");
    expect(summary.ok).toBe(true);
    expect(summary.metricsApi).toBe(false);
  });

  it("fails fast and clearly on an unreachable cluster", async () => {
    const down = sim.cluster("down");
    const c = client(down);
    await down.stop();
    const started = Date.now();
    const gen = probeCluster(c);
    const first = await gen.next();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(first.value).toMatchObject({
      id: "connection",
      status: "fail",
      detail: expect.stringMatching(/could not connect/),
      hint: expect.stringMatching(/reachable/),
    });
    expect((await gen.next()).done).toBe(true);
    await down.start();
  });

  it("times out on a cluster that hangs", async () => {
    const c = client(sim.cluster("nometrics"), { timeoutMs: 300 });
    sim.cluster("nometrics").setLatency(5000);
    try {
      const started = Date.now();
      const summary = await runProbe(c);
      expect(Date.now() - started).toBeLessThan(2500);
      expect(summary.checks[0]).toMatchObject({
        status: "fail",
        detail: expect.stringMatching(/did not answer in time/),
      });
    } finally {
      sim.cluster("nometrics").setLatency(0);
    }
  });
});
