import "server-only";
import type { V1Container, V1Node, V1Pod } from "@kubernetes/client-node";
import type { InventoryNode, InventoryTotals } from "@/db/schema";
import { leaseTolerations, type NodeTaint, untoleratedTaints } from "@/lib/market/fit-order";
import type { ClusterClient } from "./cluster-client";
import { quantityOrZero } from "./quantity";

// What a cluster can offer right now: per node, allocatable minus the requests of the pods bound to
// it that still hold resources (Pending with a node, Running; Succeeded/Failed release theirs), the
// way the scheduler counts. Only ready, schedulable nodes are offerable and counted in the totals.
// Each node keeps its NoSchedule/NoExecute taints: the fit (lib/market/fit-order.ts) places CPU-only
// orders only on nodes whose taints their pods tolerate, so never on a tainted GPU node.

export const GPU_RESOURCE = "nvidia.com/gpu";
export const GPU_PRODUCT_LABEL = "nvidia.com/gpu.product";
const REGION_LABEL = "topology.kubernetes.io/region";
const LEGACY_REGION_LABEL = "failure-domain.beta.kubernetes.io/region";

export interface Inventory {
  nodes: InventoryNode[];
  /** Sums over offerable (ready, schedulable) nodes. */
  allocatable: InventoryTotals;
  free: InventoryTotals;
  /** The most common region label among offerable nodes (null when none is labelled). */
  region: string | null;
}

interface Amounts {
  cpuMillis: number;
  memoryBytes: number;
  ephemeralBytes: number;
  gpus: number;
}

function requestsOf(container: V1Container): Amounts {
  const r = container.resources?.requests ?? {};
  return {
    cpuMillis: quantityOrZero(r.cpu, 1000),
    memoryBytes: quantityOrZero(r.memory),
    ephemeralBytes: quantityOrZero(r["ephemeral-storage"]),
    // Extended resources may only be requested together with an equal limit; either one counts.
    gpus: quantityOrZero(r[GPU_RESOURCE] ?? container.resources?.limits?.[GPU_RESOURCE]),
  };
}

/** A pod's effective request: max(sum of app containers + sidecars, largest init container) + overhead. */
export function podRequests(pod: V1Pod): Amounts {
  const sum: Amounts = { cpuMillis: 0, memoryBytes: 0, ephemeralBytes: 0, gpus: 0 };
  const add = (a: Amounts) => {
    sum.cpuMillis += a.cpuMillis;
    sum.memoryBytes += a.memoryBytes;
    sum.ephemeralBytes += a.ephemeralBytes;
    sum.gpus += a.gpus;
  };
  for (const c of pod.spec?.containers ?? []) add(requestsOf(c));
  const init: Amounts = { cpuMillis: 0, memoryBytes: 0, ephemeralBytes: 0, gpus: 0 };
  for (const c of pod.spec?.initContainers ?? []) {
    const r = requestsOf(c);
    if (c.restartPolicy === "Always")
      add(r); // sidecar: runs alongside the app containers
    else {
      init.cpuMillis = Math.max(init.cpuMillis, r.cpuMillis);
      init.memoryBytes = Math.max(init.memoryBytes, r.memoryBytes);
      init.ephemeralBytes = Math.max(init.ephemeralBytes, r.ephemeralBytes);
      init.gpus = Math.max(init.gpus, r.gpus);
    }
  }
  const overhead = pod.spec?.overhead ?? {};
  return {
    cpuMillis: Math.max(sum.cpuMillis, init.cpuMillis) + quantityOrZero(overhead.cpu, 1000),
    memoryBytes: Math.max(sum.memoryBytes, init.memoryBytes) + quantityOrZero(overhead.memory),
    ephemeralBytes: Math.max(sum.ephemeralBytes, init.ephemeralBytes),
    gpus: Math.max(sum.gpus, init.gpus),
  };
}

function holdsResources(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return Boolean(pod.spec?.nodeName) && phase !== "Succeeded" && phase !== "Failed";
}

function isReady(node: V1Node): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** Not cordoned, and some lease pod may land there: GPU nodes are commonly tainted so only GPU pods do,
 * and GPU lease pods tolerate that taint. Which order may use the node is the fit's business. */
function isSchedulable(node: V1Node): boolean {
  if (node.spec?.unschedulable) return false;
  return untoleratedTaints(hardTaints(node), leaseTolerations(1)).length === 0;
}

/** The taints that keep pods off a node, for the fit; PreferNoSchedule is only a preference. */
function hardTaints(node: V1Node): NodeTaint[] {
  return (node.spec?.taints ?? []).flatMap((t) =>
    t.effect === "NoSchedule" || t.effect === "NoExecute"
      ? [{ key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect }]
      : [],
  );
}

function emptyTotals(): InventoryTotals {
  return { cpuMillis: 0, memoryBytes: 0, gpus: {} };
}

/** Pure: the inventory of a node list and a pod list (pods of every namespace). */
export function computeInventory(nodeList: V1Node[], podList: V1Pod[]): Inventory {
  const used = new Map<string, Amounts & { pods: number }>();
  for (const pod of podList) {
    if (!holdsResources(pod)) continue;
    const nodeName = pod.spec?.nodeName as string;
    const r = podRequests(pod);
    const u = used.get(nodeName) ?? { cpuMillis: 0, memoryBytes: 0, ephemeralBytes: 0, gpus: 0, pods: 0 };
    u.cpuMillis += r.cpuMillis;
    u.memoryBytes += r.memoryBytes;
    u.ephemeralBytes += r.ephemeralBytes;
    u.gpus += r.gpus;
    u.pods += 1;
    used.set(nodeName, u);
  }

  const allocatable = emptyTotals();
  const free = emptyTotals();
  const regions = new Map<string, number>();
  const nodes: InventoryNode[] = nodeList.map((node) => {
    const name = node.metadata?.name ?? "";
    const labels = node.metadata?.labels ?? {};
    const a = node.status?.allocatable ?? {};
    const alloc = {
      cpuMillis: quantityOrZero(a.cpu, 1000),
      memoryBytes: quantityOrZero(a.memory),
      pods: quantityOrZero(a.pods),
      gpus: quantityOrZero(a[GPU_RESOURCE]),
      ephemeralBytes: quantityOrZero(a["ephemeral-storage"]),
    };
    const u = used.get(name) ?? { cpuMillis: 0, memoryBytes: 0, ephemeralBytes: 0, gpus: 0, pods: 0 };
    const nodeFree = {
      cpuMillis: Math.max(0, alloc.cpuMillis - u.cpuMillis),
      memoryBytes: Math.max(0, alloc.memoryBytes - u.memoryBytes),
      pods: Math.max(0, alloc.pods - u.pods),
      gpus: Math.max(0, alloc.gpus - u.gpus),
      ephemeralBytes: Math.max(0, alloc.ephemeralBytes - u.ephemeralBytes),
    };
    const gpuModel = alloc.gpus > 0 ? (labels[GPU_PRODUCT_LABEL] ?? "unknown") : null;
    const region = labels[REGION_LABEL] ?? labels[LEGACY_REGION_LABEL] ?? null;
    const ready = isReady(node);
    const schedulable = isSchedulable(node);
    if (ready && schedulable) {
      allocatable.cpuMillis += alloc.cpuMillis;
      allocatable.memoryBytes += alloc.memoryBytes;
      free.cpuMillis += nodeFree.cpuMillis;
      free.memoryBytes += nodeFree.memoryBytes;
      if (gpuModel) {
        allocatable.gpus[gpuModel] = (allocatable.gpus[gpuModel] ?? 0) + alloc.gpus;
        free.gpus[gpuModel] = (free.gpus[gpuModel] ?? 0) + nodeFree.gpus;
      }
      if (region) regions.set(region, (regions.get(region) ?? 0) + 1);
    }
    const taints = hardTaints(node);
    return {
      name,
      region,
      ready,
      schedulable,
      allocatable: alloc,
      free: nodeFree,
      gpuModel,
      ...(taints.length ? { taints } : {}),
    };
  });

  let region: string | null = null;
  let best = 0;
  for (const [r, n] of regions)
    if (n > best || (n === best && region !== null && r < region)) [region, best] = [r, n];
  return { nodes, allocatable, free, region };
}

/**
 * Reads nodes, then all pods of the cluster, and computes its inventory. Plain JSON, not the typed
 * client: client-node's model deserialisation of every pod costs more CPU than the rest of a refresh,
 * and only a few fields (no dates) are read here. One after the other on purpose: both go over the
 * same kept-alive connection instead of paying a second TLS handshake, which dominated the CPU of an
 * inventory pass over hundreds of clusters.
 */
export async function readInventory(client: ClusterClient): Promise<Inventory> {
  const nodes = await client.requestJson<{ items?: V1Node[] }>("/api/v1/nodes");
  // Terminated pods release their resources; let the server drop them where it can.
  const pods = await client.requestJson<{ items?: V1Pod[] }>("/api/v1/pods", {
    query: { fieldSelector: "status.phase!=Succeeded,status.phase!=Failed" },
  });
  return computeInventory(nodes.items ?? [], pods.items ?? []);
}
