import type { ContainerUsage } from "@/lib/lease/types";

// Usage as a percentage of what a container requested and of its limit, as k9s shows it in its pod
// and container views (%CPU/R, %CPU/L, %MEM/R, %MEM/L): rounded to a whole percent, above 100 when
// usage exceeds the request (normal: a request is a floor, not a cap), and null ("n/a") where the
// container sets no request or limit. Client-safe.

export interface UsagePercent {
  cpuOfRequest: number | null;
  cpuOfLimit: number | null;
  memoryOfRequest: number | null;
  memoryOfLimit: number | null;
}

interface Amounts {
  cpuMillis: number | null;
  memoryBytes: number | null;
}

function percent(usage: number, of: number | null): number | null {
  if (of === null || of <= 0) return null;
  return Math.round((usage / of) * 100);
}

export function usagePercent(
  usage: Pick<ContainerUsage, "cpuMillis" | "memoryBytes">,
  requests: Amounts,
  limits: Amounts,
): UsagePercent {
  return {
    cpuOfRequest: percent(usage.cpuMillis, requests.cpuMillis),
    cpuOfLimit: percent(usage.cpuMillis, limits.cpuMillis),
    memoryOfRequest: percent(usage.memoryBytes, requests.memoryBytes),
    memoryOfLimit: percent(usage.memoryBytes, limits.memoryBytes),
  };
}
