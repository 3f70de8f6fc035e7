import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { clusters } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { type Simulator, startSimulator } from "@/dev/k8s-sim/simulator";
import { clusterClientFor } from "@/lib/lease/cluster-clients";
import { type ProbeEvent, probeStream } from "@/lib/provider/probe-stream";
import { startInventoryJob } from "@/lib/provider/start-inventory-job";
import type { ClusterSettings } from "./cluster-settings";
import { encryptKubeconfig } from "./kubeconfig-crypto";
import { type ValidatedKubeconfig, validateKubeconfig } from "./validate-kubeconfig";

// Every path that dials a cluster gets the cluster settings it is given: a kubeconfig accepted with
// insecure-skip-tls-verify (ALLOW_INSECURE_CLUSTERS on) is dialled by the lease clients, the probe and
// the inventory loop when the flag is on, and refused by each of them when it is off.

let sim: Simulator;
let handle: Awaited<ReturnType<typeof createTestDb>>;
let insecure: ValidatedKubeconfig;
let clusterId = "";
const key = randomBytes(32);
const settings = (allowInsecure: boolean): ClusterSettings => ({
  key,
  allowPrivate: true,
  allowInsecure,
  inventoryIntervalMs: 50,
});

beforeAll(async () => {
  [sim, handle] = await Promise.all([
    startSimulator({
      clusters: [{ name: "lab", region: "eu-west-1", nodes: [{ name: "lab-1", cpu: "8", memory: "32Gi" }] }],
    }),
    createTestDb(),
  ]);
  const cluster = sim.clusters[0];
  if (!cluster) throw new Error("no simulated cluster");
  // The simulator's kubeconfig without its CA, skipping verification instead.
  const doc = parse(cluster.kubeconfig());
  for (const c of doc.clusters) {
    delete c.cluster["certificate-authority-data"];
    c.cluster["insecure-skip-tls-verify"] = true;
  }
  insecure = validateKubeconfig(stringify(doc), { allowPrivate: true, allowInsecure: true });
  expect(insecure.insecureSkipTlsVerify).toBe(true);
  const [row] = await handle.db
    .insert(clusters)
    .values({
      providerAddress: "0x00000000000000000000000000000000000000aa",
      name: "lab",
      server: insecure.server,
      kubeconfigEnc: encryptKubeconfig(insecure, key),
      status: "down",
    })
    .returning({ id: clusters.id });
  clusterId = row?.id ?? "";
});

afterAll(async () => {
  await sim?.stop();
  await handle?.close();
});

async function probeEvents(allowInsecure: boolean): Promise<ProbeEvent[]> {
  const res = probeStream({
    kubeconfig: insecure,
    settings: settings(allowInsecure),
    onDone: async () => {},
  });
  return (await res.text())
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ProbeEvent);
}

async function inventoryStatus(allowInsecure: boolean) {
  await handle.db
    .update(clusters)
    .set({ status: "unknown", lastError: null })
    .where(eq(clusters.id, clusterId));
  const stop = await startInventoryJob(handle, settings(allowInsecure));
  const deadline = Date.now() + 20_000;
  let row: typeof clusters.$inferSelect | undefined;
  while (Date.now() < deadline) {
    [row] = await handle.db.select().from(clusters).where(eq(clusters.id, clusterId));
    if (row && row.status !== "unknown") break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  return row;
}

describe("cluster settings reach every client", () => {
  it("the lease controller's and metrics poller's clients", async () => {
    await expect(clusterClientFor({ db: handle.db, clusterId, settings: settings(false) })).rejects.toThrow(
      /skips TLS verification/,
    );
    const client = await clusterClientFor({ db: handle.db, clusterId, settings: settings(true) });
    const version = await client.requestJson<{ gitVersion: string }>("/version");
    expect(version.gitVersion).toMatch(/^v1\./);
  });

  it("the probe", async () => {
    const refused = await probeEvents(false);
    expect(refused).toEqual([{ type: "error", message: expect.stringMatching(/skips TLS verification/) }]);
    const ran = await probeEvents(true);
    expect(ran.at(-1)?.type).toBe("done");
    expect(ran.filter((e) => e.type === "check").length).toBeGreaterThan(0);
  });

  it("the inventory loop", async () => {
    const refused = await inventoryStatus(false);
    expect(refused).toMatchObject({ status: "down" });
    expect(refused?.lastError).toMatch(/skips TLS verification/);
    expect(await inventoryStatus(true)).toMatchObject({ status: "up", lastError: null });
  });
});
