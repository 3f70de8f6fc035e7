// Every deploy template reaches Running on a provider cluster under the simulator's image model (its
// images' users, writable paths and capabilities), deployed exactly as a lease is: through
// applyLeaseWorkload. Also: the tenant's security settings, and placement on GPU-tainted pools.

import { randomBytes } from "node:crypto";
import type { Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultClusters } from "@/dev/k8s-sim/default-clusters";
import { type Simulator, startSimulator } from "@/dev/k8s-sim/simulator";
import { canonicalizeManifest, type ManifestInput, manifestTotals, sealSecrets } from "@/lib/market/manifest";
import { deployTemplates } from "@/lib/market/templates";
import { applyLeaseWorkload } from "./apply-lease-workload";
import type { ClusterClient } from "./cluster-client";
import type { ClusterExposure } from "./cluster-exposure";
import { type LeaseStatus, readLeaseStatus } from "./read-lease-status";
import { simClient } from "./sim-test-client";

let sim: Simulator;
let client: ClusterClient;
const tenant = "0x2222222222222222222222222222222222222222";

beforeAll(async () => {
  // The seeded GPU provider: two tainted A100 nodes and one CPU node.
  const fra = defaultClusters.find((c) => c.name === "fra-gpu");
  if (!fra) throw new Error("no fra-gpu cluster");
  sim = await startSimulator({ clusters: [structuredClone(fra)], podStartDelayMs: 60, tickMs: 20 });
  client = simClient(sim.cluster("fra-gpu"));
});
afterAll(async () => {
  await client?.close();
  await sim?.stop();
});

// What the seeded provider declares: HTTP through ingress-nginx, TCP/UDP through NodePorts.
const exposure: ClusterExposure = {
  ingressClass: "nginx",
  ingressNamespace: "ingress-nginx",
  baseDomain: "fra.kubebid.test",
  tls: null,
  ports: "nodeport",
};

type Draft = Parameters<typeof sealSecrets>[0];

/**
 * Deploys a template's draft as a lease is deployed: its secrets get values (a template leaves them
 * for the tenant to fill in) and are sealed as the browser seals them.
 */
async function deploy(leaseId: string, draft: Draft | ManifestInput) {
  const d = draft as Draft;
  const filled = d.secrets
    ? { ...d, secrets: d.secrets.map((x) => ({ ...x, value: x.value || `t-${x.name}` })) }
    : d;
  const sealed = sealSecrets(filled, () => `0x${randomBytes(32).toString("hex")}` as Hex);
  const { manifest, specHash } = canonicalizeManifest(sealed.manifest);
  const secretValues = Object.fromEntries(sealed.values.map((v) => [v.name, v.value]));
  await applyLeaseWorkload(client, { leaseId, tenant, specHash, manifest, exposure, secretValues });
  return manifest;
}

async function until(leaseId: string, ok: (s: LeaseStatus) => boolean, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const s = await readLeaseStatus(client, leaseId);
    if (ok(s) || Date.now() > end) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
}
const running = (s: LeaseStatus) =>
  s.pods.length > 0 && s.pods.every((p) => p.phase === "Running" && p.ready);

describe("deploy templates on a provider cluster", () => {
  it.each(deployTemplates.map((t) => [t.id, t] as const))("%s reaches Running", async (id, template) => {
    const manifest = await deploy(`tpl-${id}`, template.manifest);
    const totals = manifestTotals(manifest);
    const status = await until(`tpl-${id}`, (s) => running(s) && s.pods.length === totals.replicas);
    expect(status.pods.map((p) => ({ phase: p.phase, ready: p.ready, reasons: p.reasons }))).toEqual(
      Array.from({ length: totals.replicas }, () => ({ phase: "Running", ready: true, reasons: [] })),
    );
    // GPU orders tolerate the GPU taint and land on GPU nodes; CPU-only orders never do.
    const gpu = totals.gpuCount > 0;
    for (const p of status.pods) expect(p.node).toMatch(gpu ? /^fra-gpu-a100-\d$/ : /^fra-cpu-1$/);
  });
});

describe("tenant security settings", () => {
  // v1 manifests, as orders signed before v2 carry them (security settings are deployment-wide there).
  const web = {
    name: "web",
    image: "nginx:1.27",
    ports: [{ name: "http", port: 80 }],
    resources: { cpu: 500, memory: 512, storage: 1024 },
  };
  const pg = {
    name: "postgres",
    image: "postgres:16",
    env: [
      { name: "POSTGRES_PASSWORD", value: "change-me" },
      { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
    ],
    ports: [{ name: "pg", port: 5432 }],
    resources: { cpu: 1000, memory: 2048, storage: 20480 },
  };

  it("restricted with a root image: the kubelet refuses to start it", async () => {
    await deploy("sec-root", { ...web, security: { podSecurity: "restricted" } });
    const s = await until(
      "sec-root",
      (x) => x.pods[0]?.reasons.includes("CreateContainerConfigError") ?? false,
    );
    expect(s.pods[0]).toMatchObject({
      phase: "Pending",
      ready: false,
      reasons: ["CreateContainerConfigError"],
    });
    expect(s.pods[0]?.message).toMatch(/^container has runAsNonRoot and image will run as root \(pod: "web-/);
  });

  it("restricted with a non-root image runs, and the namespace enforces restricted", async () => {
    await deploy("sec-unpriv", {
      ...web,
      image: "nginxinc/nginx-unprivileged:1.27",
      ports: [{ name: "http", port: 8080 }],
      security: { podSecurity: "restricted", readOnlyRootFilesystem: true },
    });
    expect(running(await until("sec-unpriv", running))).toBe(true);
    const ns = await client.requestJson<{ metadata: { labels: Record<string, string> } }>(
      "/api/v1/namespaces/kb-lease-sec-unpriv",
    );
    expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  it("a read-only root filesystem crash-loops nginx", async () => {
    await deploy("sec-ro", { ...web, security: { readOnlyRootFilesystem: true } });
    const s = await until("sec-ro", (x) => x.pods[0]?.reasons.includes("CrashLoopBackOff") ?? false);
    expect(s.pods[0]?.reasons).toContain("CrashLoopBackOff");
    expect(s.events.some((e) => e.reason === "BackOff" && e.type === "Warning")).toBe(true);
  });

  it("runAsUser picks the user: postgres as its own uid runs, nginx as a non-root uid does not", async () => {
    await deploy("sec-pg", { ...pg, security: { runAsUser: 999, runAsNonRoot: true } });
    expect(running(await until("sec-pg", running))).toBe(true);
    await deploy("sec-nginx-uid", { ...web, security: { runAsUser: 101 } });
    const s = await until("sec-nginx-uid", (x) => x.pods[0]?.reasons.includes("CrashLoopBackOff") ?? false);
    expect(s.pods[0]?.reasons).toContain("CrashLoopBackOff");
  });
});
