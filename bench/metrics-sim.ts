// The simulated clusters of `npm run bench:metrics`, in a child process so their CPU is not counted as
// KubeBid's (a provider's clusters run elsewhere). Writes DIR/<cluster>.kubeconfig, prints `ready`,
// answers the parent's "stats" message with the requests every cluster has served, by path, and its
// own CPU time, and stops on "stop" or when the parent goes away.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeClusters } from "../dev/k8s-sim/default-clusters";
import { startSimulator } from "../dev/k8s-sim/simulator";

const [out, clusters, nodes] = [process.argv[2] ?? "", Number(process.argv[3]), Number(process.argv[4])];
if (!out || !clusters || !nodes) throw new Error("usage: metrics-sim.ts DIR CLUSTERS NODES");
// A 5 s ticker instead of 100 ms: the simulator reconciles every cluster that has pods on each tick,
// which for 200 clusters and 2,000 pods would starve its own API server of CPU.
const sim = await startSimulator({ clusters: makeClusters(clusters, nodes), tickMs: 5000 });
mkdirSync(out, { recursive: true });
for (const c of sim.clusters)
  writeFileSync(join(out, `${c.name}.kubeconfig`), c.kubeconfig(), { mode: 0o600 });

const stop = async () => {
  await sim.stop();
  process.exit(0);
};
process.on("disconnect", () => void stop());
process.on("message", (message) => {
  if (message === "stop") return void stop();
  if (message !== "stats") return;
  const byPath: Record<string, number> = {};
  let requests = 0;
  for (const c of sim.clusters) {
    requests += c.stats.requests;
    for (const [path, n] of c.stats.byPath) {
      // Namespaced paths are summed per kind: /api/v1/namespaces/kb-lease-1/pods → …/namespaces/*/pods.
      const key = path
        .replace(/\/namespaces\/[^/]+/, "/namespaces/*")
        .replace(/(\/namespaces\/\*\/[^/]+)\/.+$/, "$1/*");
      byPath[key] = (byPath[key] ?? 0) + n;
    }
  }
  const cpu = process.cpuUsage();
  process.send?.({ requests, byPath, cpuMs: (cpu.user + cpu.system) / 1000 });
});
console.log("ready");
