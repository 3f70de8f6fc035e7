// Quick measurement: `npx tsx dev/k8s-sim/bench-start.ts [clusters] [nodes]` — start time and memory of N clusters.
import { makeClusters } from "./default-clusters";
import { startSimulator } from "./simulator";

const n = Number(process.argv[2] ?? 200);
const nodes = Number(process.argv[3] ?? 10);
const rss0 = process.memoryUsage().rss;
const t0 = performance.now();
const sim = await startSimulator({ clusters: makeClusters(n, nodes) });
const t1 = performance.now();
const mem = process.memoryUsage();
console.log(
  `${n} clusters x ${nodes} nodes: startSimulator ${(t1 - t0).toFixed(0)} ms, rss +${((mem.rss - rss0) / 1048576).toFixed(0)} MiB (rss ${(mem.rss / 1048576).toFixed(0)} MiB, heap ${(mem.heapUsed / 1048576).toFixed(0)} MiB)`,
);
// inventory-style fan-in: list nodes on every cluster concurrently
const { request } = await import("node:https");
const get = (url: string, token: string) =>
  new Promise<number>((resolve, reject) => {
    const req = request(url, { ca: sim.caPem, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let len = 0;
      res.on("data", (d: Buffer) => {
        len += d.length;
      });
      res.on("end", () => resolve(len));
    });
    req.on("error", reject);
    req.end();
  });
const t2 = performance.now();
await Promise.all(sim.clusters.map((c) => get(`${c.server}/api/v1/nodes`, c.adminToken)));
console.log(`list nodes on all ${n} clusters concurrently: ${(performance.now() - t2).toFixed(0)} ms`);
const cpu0 = process.cpuUsage();
await new Promise((r) => setTimeout(r, 2000));
const cpu = process.cpuUsage(cpu0);
console.log(`idle CPU over 2 s: ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms`);
await sim.stop();
