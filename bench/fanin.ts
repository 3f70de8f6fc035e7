import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { provisionKubebidAccess } from "@/dev/provision-kubebid-access";
import { leases } from "../db/schema";
import { createTestDb } from "../db/test-db";
import { defaultClusters } from "../dev/k8s-sim/default-clusters";
import { startSimulator } from "../dev/k8s-sim/simulator";
import { createClusterClient } from "../lib/k8s/cluster-client";
import { validateKubeconfig } from "../lib/k8s/validate-kubeconfig";
import { k8sLeaseWorkload } from "../lib/lease/k8s-workload";
import { createLiveStream } from "../lib/lease/live-stream";
import { MetricsHub } from "../lib/lease/metrics-hub";
import { createMetricsPoller } from "../lib/lease/metrics-poller";
import { hashManifest, type Manifest } from "../lib/market/manifest";

// `npm run bench:fanin`: 50 browsers (SSE clients) watch one lease's live metrics; the cluster must
// see one metrics request per poll interval, not one per browser. A real simulated cluster (counted
// at the simulator: SimCluster.stats.metricsRequests), the real metrics poller and hub, and the
// lease page's SSE stream served over HTTP by the same createLiveStream the route uses.

const CLIENTS = 50;
const INTERVAL_MS = 1000;
const DURATION_MS = 10_000;

const spec = defaultClusters.find((c) => c.name === "ohio-cpu");
if (!spec) throw new Error("no ohio-cpu cluster spec");
const sim = await startSimulator({ clusters: [spec] });
const cluster = sim.clusters[0];
if (!cluster) throw new Error("no simulated cluster");
// KubeBid's own least-privilege token, as on a provider's cluster.
const token = await provisionKubebidAccess(cluster, sim.caPem);
const client = createClusterClient(
  validateKubeconfig(cluster.kubeconfig({ token }), { allowPrivate: true }),
  {
    allowPrivate: true,
  },
);
const handle = await createTestDb();

const leaseId = "4242";
const manifest: Manifest = {
  version: 1,
  name: "web",
  image: "nginx:1.27",
  resources: { cpu: 250, memory: 256, storage: 512, gpu: { count: 0 } },
  replicas: 1,
};
await k8sLeaseWorkload.apply(client, {
  leaseId,
  tenant: "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc",
  specHash: hashManifest(manifest),
  manifest,
});
await handle.db.insert(leases).values({
  id: leaseId,
  orderId: leaseId,
  tenant: "0xt",
  provider: "0xp",
  pricePerHour: "1",
  deposit: "1",
  startedAt: new Date(),
  createdBlock: 1n,
  deployState: "running",
  clusterId: "00000000-0000-0000-0000-000000000001",
});

const hub = new MetricsHub();
const poller = createMetricsPoller({
  db: handle.db,
  clientFor: async () => client,
  hub,
  intervalMs: INTERVAL_MS,
  log: () => {},
});

const server = createServer(async (req, res) => {
  const controller = new AbortController();
  req.on("close", () => controller.abort());
  const stream = createLiveStream({
    hub,
    db: handle.db,
    leaseId,
    intervalMs: INTERVAL_MS,
    signal: controller.signal,
  });
  res.writeHead(200, { "content-type": "text/event-stream" });
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
    if (done) break;
    res.write(value);
  }
  res.end();
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/live`;

const samplesPerClient = new Array<number>(CLIENTS).fill(0);
const aborts = Array.from({ length: CLIENTS }, () => new AbortController());
await Promise.all(
  aborts.map(async (abort, i) => {
    const res = await fetch(url, { signal: abort.signal });
    const reader = (res.body as ReadableStream<Uint8Array>)
      .pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>)
      .getReader();
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          samplesPerClient[i] = (samplesPerClient[i] ?? 0) + (value.match(/"type":"sample"/g)?.length ?? 0);
        }
      } catch {}
    })();
  }),
);
console.log(`${hub.subscriberCount(leaseId)} SSE clients subscribed to lease ${leaseId}`);

const before = cluster.stats.metricsRequests;
const started = Date.now();
let polls = 0;
while (Date.now() - started < DURATION_MS) {
  const t = Date.now();
  await poller.tick();
  polls++;
  await new Promise((r) => setTimeout(r, Math.max(0, INTERVAL_MS - (Date.now() - t))));
}
await new Promise((r) => setTimeout(r, 200));
const metricsRequests = cluster.stats.metricsRequests - before;
const minSamples = Math.min(...samplesPerClient);
const maxSamples = Math.max(...samplesPerClient);

console.log(
  `\nfan-in over ${(DURATION_MS / 1000).toFixed(0)} s, poll interval ${INTERVAL_MS} ms, ${CLIENTS} browsers on one lease:`,
);
console.log(`  poll intervals:                        ${polls}`);
console.log(`  metrics.k8s.io requests at the cluster: ${metricsRequests}`);
console.log(`  samples received per browser:          ${minSamples}–${maxSamples}`);
console.log(
  `  ratio: ${(metricsRequests / polls).toFixed(2)} metrics requests per poll interval (${(metricsRequests / polls / CLIENTS).toFixed(3)} per browser per interval)`,
);

for (const a of aborts) a.abort();
server.closeAllConnections();
server.close();
await client.close();
await handle.close();
await sim.stop();
process.exit(0);
