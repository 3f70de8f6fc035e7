// Pod arithmetic shared by admission, quota, the scheduler and the API (metrics):
// summed requests/limits, QoS class, terminal phases.
import { type Obj, parseQuantity } from "./util";

export const GPU = "nvidia.com/gpu";
export const COMPUTE = ["cpu", "memory", GPU, "ephemeral-storage"] as const;

export interface PodRequests {
  cpu: number;
  memory: number;
  gpu: number;
  limits: Record<string, number>;
  requests: Record<string, number>;
}

export function podRequests(pod: Obj): PodRequests {
  const requests: Record<string, number> = {};
  const limits: Record<string, number> = {};
  for (const c of pod.spec?.containers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.requests ?? {}))
      requests[k] = (requests[k] ?? 0) + parseQuantity(v);
    for (const [k, v] of Object.entries(c.resources?.limits ?? {}))
      limits[k] = (limits[k] ?? 0) + parseQuantity(v);
  }
  return { cpu: requests.cpu ?? 0, memory: requests.memory ?? 0, gpu: requests[GPU] ?? 0, requests, limits };
}

export const isTerminal = (pod: Obj) => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";

// https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/
export function qosClass(pod: Obj): string {
  const cs: Obj[] = pod.spec?.containers ?? [];
  let any = false;
  let guaranteed = true;
  for (const c of cs) {
    const rq = c.resources?.requests ?? {};
    const lm = c.resources?.limits ?? {};
    if (Object.keys(rq).length || Object.keys(lm).length) any = true;
    for (const k of ["cpu", "memory"]) {
      if (lm[k] === undefined || parseQuantity(rq[k] ?? lm[k]) !== parseQuantity(lm[k])) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}
