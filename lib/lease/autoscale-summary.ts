import type { LeaseAutoscaler } from "./types";

// One line per autoscaled service for the lease page, from its HPA's status:
// "2/5 replicas (autoscaled, CPU 63 % of 70 % target)".

const RESOURCE_NAMES: Record<string, string> = { cpu: "CPU", memory: "memory" };

export function autoscaleSummary(a: LeaseAutoscaler): string {
  const targets = a.metrics.map((m) => {
    const name = RESOURCE_NAMES[m.resource] ?? m.resource;
    return m.currentPercent === null
      ? `${name} target ${m.targetPercent} %, not measured yet`
      : `${name} ${m.currentPercent} % of ${m.targetPercent} % target`;
  });
  const scaling =
    a.desiredReplicas !== a.currentReplicas && a.inactive === null ? `, scaling to ${a.desiredReplicas}` : "";
  return `${a.currentReplicas}/${a.maxReplicas} replicas (autoscaled${targets.length ? `, ${targets.join(", ")}` : ""}${scaling})`;
}
