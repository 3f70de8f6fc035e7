import { z } from "zod";
import { formatBytes, formatCores } from "@/lib/market/format";

// The one answer to "can this cluster take this order?", used by the deploy page's screening (in the
// browser) and by the bid engine (on the server), so the providers shown as able to take an order are
// the ones that bid on it. Node by node, the way kube-scheduler would place the lease's pods: every
// replica must fit on a single node (CPU, memory, ephemeral storage, a pod slot, GPUs of the asked
// model), on a node whose NoSchedule/NoExecute taints the lease pod tolerates (CPU-only pods tolerate
// none, GPU pods the GPU taint) and which carries the asked GPU model. Capacity already promised (open
// bids, leases not yet running) is placed first, first-fit, on the same nodes; only the share of each
// node the provider offers (offerPercent) is usable.

const GPU_TAINT_KEY = "nvidia.com/gpu";

/** A node taint that keeps pods off (NoSchedule) or evicts them (NoExecute); PreferNoSchedule is only a hint. */
export const nodeTaintSchema = z.object({
  key: z.string(),
  value: z.string().optional(),
  effect: z.enum(["NoSchedule", "NoExecute"]),
});
export type NodeTaint = z.infer<typeof nodeTaintSchema>;

const amountsSchema = z.object({
  cpuMillis: z.number(),
  memoryBytes: z.number(),
  pods: z.number(),
  gpus: z.number(),
  /** Absent in snapshots taken before ephemeral storage was read: then it is not checked. */
  ephemeralBytes: z.number().optional(),
});

/** One node of an inventory snapshot (the jsonb `nodes` of inventory_snapshots). Older snapshots have no taints or ephemeral storage. */
export const inventoryNodeSchema = z.object({
  name: z.string(),
  region: z.string().nullable(),
  ready: z.boolean(),
  schedulable: z.boolean(),
  allocatable: amountsSchema,
  free: amountsSchema,
  gpuModel: z.string().nullable(),
  taints: z.array(nodeTaintSchema).optional(),
});
export const inventoryNodesSchema = z.array(inventoryNodeSchema);
export type InventoryNode = z.infer<typeof inventoryNodeSchema>;

export interface Toleration {
  key?: string;
  operator?: "Exists" | "Equal";
  value?: string;
  effect?: "NoSchedule" | "NoExecute" | "PreferNoSchedule";
}

/** The tolerations of a lease pod (lib/k8s/build-lease-objects.ts): only GPU workloads tolerate the GPU taint. */
export function leaseTolerations(gpus: number): Toleration[] {
  return gpus > 0 ? [{ key: GPU_TAINT_KEY, operator: "Exists", effect: "NoSchedule" }] : [];
}

// As Toleration.ToleratesTaint in k8s.io/api/core/v1/toleration.go: an empty effect matches every
// effect, an empty key with Exists matches every key, Exists ignores the value, Equal compares it.
function tolerates(t: Toleration, taint: NodeTaint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === "Exists") return true;
  return (t.value ?? "") === (taint.value ?? "");
}

export function untoleratedTaints(taints: NodeTaint[] | undefined, tolerations: Toleration[]): NodeTaint[] {
  return (taints ?? []).filter((taint) => !tolerations.some((t) => tolerates(t, taint)));
}

function describeTaint(t: NodeTaint): string {
  return `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`;
}

export interface ReplicaSize {
  cpuMillis: number;
  memoryBytes: number;
  /** Ephemeral-storage request per replica. */
  ephemeralBytes: number;
  gpus: number;
  /** null: any model (or no GPU). Ignored when gpus is 0 (no node selector then). */
  gpuModel: string | null;
}

export interface Workload {
  replica: ReplicaSize;
  replicas: number;
}

export type FitResult = { ok: true; nodes: string[] } | { ok: false; reason: string };

interface Room {
  name: string;
  cpuMillis: number;
  memoryBytes: number;
  /** null: not known (old snapshot), not checked. */
  ephemeralBytes: number | null;
  pods: number;
  gpus: number;
  gpuModel: string | null;
  taints: NodeTaint[];
}

function offered(node: InventoryNode, offerPercent: number): Room {
  // Free minus the part of the node the provider keeps for itself.
  const keep = (alloc: number) => Math.floor((alloc * (100 - offerPercent)) / 100);
  const ephemeral =
    node.free.ephemeralBytes === undefined
      ? null
      : Math.max(0, node.free.ephemeralBytes - keep(node.allocatable.ephemeralBytes ?? 0));
  return {
    name: node.name,
    cpuMillis: Math.max(0, node.free.cpuMillis - keep(node.allocatable.cpuMillis)),
    memoryBytes: Math.max(0, node.free.memoryBytes - keep(node.allocatable.memoryBytes)),
    ephemeralBytes: ephemeral,
    pods: node.free.pods,
    gpus: Math.max(0, node.free.gpus - keep(node.allocatable.gpus)),
    gpuModel: node.gpuModel,
    taints: node.taints ?? [],
  };
}

/** Whether the replica's pod may be scheduled on the node at all (taints and GPU model), capacity aside. */
function admits(room: Room, r: ReplicaSize): boolean {
  if (untoleratedTaints(room.taints, leaseTolerations(r.gpus)).length > 0) return false;
  if (r.gpus === 0) return true;
  return room.gpuModel !== null && (r.gpuModel === null || room.gpuModel === r.gpuModel);
}

function fits(room: Room, r: ReplicaSize): boolean {
  if (!admits(room, r) || room.pods < 1) return false;
  if (room.cpuMillis < r.cpuMillis || room.memoryBytes < r.memoryBytes) return false;
  if (room.ephemeralBytes !== null && room.ephemeralBytes < r.ephemeralBytes) return false;
  return room.gpus >= r.gpus;
}

function take(room: Room, r: ReplicaSize): void {
  room.cpuMillis -= r.cpuMillis;
  room.memoryBytes -= r.memoryBytes;
  if (room.ephemeralBytes !== null) room.ephemeralBytes -= r.ephemeralBytes;
  room.pods -= 1;
  room.gpus -= r.gpus;
}

/** Places each replica first-fit; returns the node chosen per replica, or null. */
function place(rooms: Room[], w: Workload): string[] | null {
  const chosen: string[] = [];
  for (let i = 0; i < w.replicas; i++) {
    const room = rooms.find((n) => fits(n, w.replica));
    if (!room) return null;
    take(room, w.replica);
    chosen.push(room.name);
  }
  return chosen;
}

/** Why no node may run the replica at all (taints, GPU model), or null when some node may. */
function explainAdmission(rooms: Room[], r: ReplicaSize): string | null {
  if (rooms.some((room) => admits(room, r))) return null;
  if (r.gpus > 0) {
    const models = [...new Set(rooms.flatMap((room) => (room.gpuModel ? [room.gpuModel] : [])))];
    if (models.length === 0) return "no GPU nodes";
    if (r.gpuModel && !models.includes(r.gpuModel)) return `no ${r.gpuModel} GPUs (has ${models.join(", ")})`;
    const taints = [
      ...new Set(
        rooms.flatMap((room) => untoleratedTaints(room.taints, leaseTolerations(r.gpus)).map(describeTaint)),
      ),
    ];
    return `its GPU nodes carry taints lease pods do not tolerate (${taints.join(", ")})`;
  }
  const taints = [
    ...new Set(
      rooms.flatMap((room) => untoleratedTaints(room.taints, leaseTolerations(0)).map(describeTaint)),
    ),
  ];
  return `no node for CPU-only workloads: every node is tainted (${taints.join(", ")}), e.g. a GPU node`;
}

/** Why the order does not fit on the nodes that may run it, in the words a provider would use. */
function explainCapacity(rooms: Room[], w: Workload): string {
  const r = w.replica;
  const n = w.replicas > 1 ? `${w.replicas} × ` : "";
  const eligible = rooms.filter((room) => admits(room, r));
  if (r.gpus > 0) {
    const model = r.gpuModel ?? "GPU";
    const free = eligible.reduce((sum, room) => sum + room.gpus, 0);
    const biggest = eligible.reduce((max, room) => Math.max(max, room.gpus), 0);
    if (free < r.gpus * w.replicas || biggest < r.gpus)
      return `needs ${w.replicas * r.gpus} × ${model}${w.replicas > 1 ? ` (${r.gpus} per replica)` : ""}, ${free} free${biggest < r.gpus && free >= r.gpus ? ` (at most ${biggest} on one node)` : ""}`;
  }
  const maxCpu = eligible.reduce((max, room) => Math.max(max, room.cpuMillis), 0);
  const maxMem = eligible.reduce((max, room) => Math.max(max, room.memoryBytes), 0);
  const known = eligible.filter((room) => room.ephemeralBytes !== null);
  const maxEph = known.reduce((max, room) => Math.max(max, room.ephemeralBytes ?? 0), 0);
  if (maxCpu < r.cpuMillis)
    return `needs ${n}${formatCores(r.cpuMillis)} on one node, at most ${formatCores(maxCpu)} free`;
  if (maxMem < r.memoryBytes)
    return `needs ${n}${formatBytes(r.memoryBytes)} memory on one node, at most ${formatBytes(maxMem)} free`;
  if (known.length === eligible.length && maxEph < r.ephemeralBytes)
    return `needs ${n}${formatBytes(r.ephemeralBytes)} ephemeral storage on one node, at most ${formatBytes(maxEph)} free`;
  if (eligible.every((room) => room.pods < 1)) return "no free pod slot on its nodes";
  return `needs ${n}${formatCores(r.cpuMillis)} + ${formatBytes(r.memoryBytes)}${r.ephemeralBytes ? ` + ${formatBytes(r.ephemeralBytes)} storage` : ""}${r.gpus ? ` + ${r.gpus} GPU` : ""} per replica; not enough free nodes`;
}

export function fitOrder(opts: {
  nodes: InventoryNode[];
  offerPercent: number;
  promised: Workload[];
  order: Workload;
}): FitResult {
  const rooms = opts.nodes.filter((n) => n.ready && n.schedulable).map((n) => offered(n, opts.offerPercent));
  if (rooms.length === 0) return { ok: false, reason: "no ready, schedulable node" };
  const refused = explainAdmission(rooms, opts.order.replica);
  if (refused) return { ok: false, reason: refused };
  // What is promised but not yet running takes its room first; if it no longer fits (the cluster
  // shrank), whatever fits stays promised and the rest is ignored rather than blocking every order.
  for (const w of opts.promised) {
    for (let i = 0; i < w.replicas; i++) {
      const room = rooms.find((n) => fits(n, w.replica));
      if (room) take(room, w.replica);
    }
  }
  const snapshot = rooms.map((r) => ({ ...r }));
  const placed = place(rooms, opts.order);
  return placed ? { ok: true, nodes: placed } : { ok: false, reason: explainCapacity(snapshot, opts.order) };
}

const MiB = 1024 * 1024;

/** An order's workload from its totals and its manifest's replica count: what both the screening and
 * the bid engine fit, so they size replicas the same way. */
export function orderWorkload(
  totals: {
    cpuMillis: number;
    memoryMiB: number;
    storageMiB: number;
    gpuCount: number;
    gpuModel: string | null;
  },
  replicas: number,
): Workload {
  const n = Math.max(1, replicas);
  return {
    replicas: n,
    replica: {
      cpuMillis: Math.ceil(totals.cpuMillis / n),
      memoryBytes: Math.ceil(totals.memoryMiB / n) * MiB,
      ephemeralBytes: Math.ceil(totals.storageMiB / n) * MiB,
      gpus: Math.ceil(totals.gpuCount / n),
      gpuModel: totals.gpuModel,
    },
  };
}
