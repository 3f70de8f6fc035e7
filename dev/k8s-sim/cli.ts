// Standalone simulator: `npm run sim -- --out DIR [--clusters N] [--nodes N] [--port-base P] [--state FILE]
//   [--pod-start-delay MS] [--tick MS] [--ingress-port P] [--hpa-sync-period MS] [--hpa-downscale-stabilization MS]`. Writes DIR/<cluster>.kubeconfig, prints each cluster
//   (API server, kubeconfig, ingress base URL) and `ready`, serves until SIGINT/SIGTERM.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { defaultClusters, makeClusters } from "./default-clusters";
import { type SimClusterSpec, startSimulator } from "./simulator";

const { values } = parseArgs({
  options: {
    out: { type: "string" },
    clusters: { type: "string" },
    nodes: { type: "string" },
    "port-base": { type: "string" },
    state: { type: "string" },
    "pod-start-delay": { type: "string" },
    tick: { type: "string" },
    "ingress-port": { type: "string" },
    "hpa-sync-period": { type: "string" },
    "hpa-downscale-stabilization": { type: "string" },
    host: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
  allowPositionals: false,
});

if (values.help) {
  console.log(
    "usage: npm run sim -- --out DIR [--clusters N] [--nodes N] [--port-base PORT] [--state FILE] [--pod-start-delay MS] [--tick MS] [--ingress-port PORT] [--hpa-sync-period MS] [--hpa-downscale-stabilization MS] [--host 127.0.0.1]",
  );
  process.exit(0);
}

const out = resolve(values.out ?? ".data/k8s-sim");
let specs: SimClusterSpec[] = values.clusters
  ? makeClusters(Number(values.clusters), Number(values.nodes ?? 3))
  : structuredClone(defaultClusters);
if (values["port-base"]) {
  const base = Number(values["port-base"]);
  specs = specs.map((s, i) => ({ ...s, port: base + i }));
}

const t0 = Date.now();
const sim = await startSimulator({
  clusters: specs,
  host: values.host,
  stateFile: values.state ? resolve(values.state) : undefined,
  podStartDelayMs: values["pod-start-delay"] ? Number(values["pod-start-delay"]) : undefined,
  tickMs: values.tick ? Number(values.tick) : undefined,
  ingressPort: values["ingress-port"] ? Number(values["ingress-port"]) : undefined,
  hpa: {
    ...(values["hpa-sync-period"] ? { syncPeriodMs: Number(values["hpa-sync-period"]) } : {}),
    ...(values["hpa-downscale-stabilization"]
      ? { downscaleStabilizationMs: Number(values["hpa-downscale-stabilization"]) }
      : {}),
  },
});
mkdirSync(out, { recursive: true });
for (const c of sim.clusters) {
  const file = join(out, `${c.name}.kubeconfig`);
  writeFileSync(file, c.kubeconfig(), { mode: 0o600 });
  console.log(
    `cluster ${c.name} ${c.server} kubeconfig=${file} ingress=http://*.${c.ingressBaseDomain}:${sim.ingressPort}`,
  );
}
console.log(`ingress http://127.0.0.1:${sim.ingressPort} (Host: <name>.<cluster base domain>)`);
console.log(
  `k8s-sim: ${sim.clusters.length} cluster(s) up in ${Date.now() - t0} ms${values.state ? `, state in ${resolve(values.state)}` : ""}`,
);
console.log("ready");

let stopping = false;
const shutdown = async (sig: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`k8s-sim: ${sig}, stopping`);
  await sim.stop();
  process.exit(0);
};
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
// keep the process alive (the ticker is unref'd)
setInterval(() => {}, 1 << 30);
