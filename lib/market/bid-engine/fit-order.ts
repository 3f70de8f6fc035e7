import type { InventoryNode } from "@/db/schema";
import { formatBytes, formatCores } from "@/lib/market/format";

// Does an order fit a cluster? Node by node, the way a scheduler would place it: every replica must
// fit on a single node (CPU, memory, GPUs of the asked model). Capacity already promised (the
// provider's open bids and leases not yet running) is placed first, first-fit, on the same nodes;
// only the share of each node the provider offers (offerPercent) is usable.

export interface ReplicaSize {
  cpuMillis: number;
  memoryBytes: number;
  gpus: number;
  /** null: any model (or no GPU). */
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
  gpus: number;
  gpuModel: string | null;
}

function offered(node: InventoryNode, offerPercent: number): Room {
  // Free minus the part of the node the provider keeps for itself.
  const keep = (alloc: number) => Math.floor((alloc * (100 - offerPercent)) / 100);
  return {
    name: node.name,
    cpuMillis: Math.max(0, node.free.cpuMillis - keep(node.allocatable.cpuMillis)),
    memoryBytes: Math.max(0, node.free.memoryBytes - keep(node.allocatable.memoryBytes)),
    gpus: Math.max(0, node.free.gpus - keep(node.allocatable.gpus)),
    gpuModel: node.gpuModel,
  };
}

function fits(room: Room, r: ReplicaSize): boolean {
  if (room.cpuMillis < r.cpuMillis || room.memoryBytes < r.memoryBytes) return false;
  if (r.gpus === 0) return true;
  if (room.gpus < r.gpus) return false;
  return r.gpuModel === null || room.gpuModel === r.gpuModel;
}

function take(room: Room, r: ReplicaSize): void {
  room.cpuMillis -= r.cpuMillis;
  room.memoryBytes -= r.memoryBytes;
  room.gpus -= r.gpus;
}

/** Places each replica on the roomiest-first node; returns the node chosen per replica, or null. */
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

/** Why the order does not fit, in the words a provider would use. */
function explain(rooms: Room[], w: Workload): string {
  const r = w.replica;
  const n = w.replicas > 1 ? `${w.replicas} × ` : "";
  if (r.gpus > 0) {
    const model = r.gpuModel ?? "GPU";
    const eligible = rooms.filter(
      (room) => room.gpuModel !== null && (r.gpuModel === null || room.gpuModel === r.gpuModel),
    );
    const free = eligible.reduce((sum, room) => sum + room.gpus, 0);
    const biggest = eligible.reduce((max, room) => Math.max(max, room.gpus), 0);
    if (free < r.gpus * w.replicas || biggest < r.gpus)
      return `needs ${w.replicas * r.gpus} × ${model}${w.replicas > 1 ? ` (${r.gpus} per replica)` : ""}, ${free} free${biggest < r.gpus && free >= r.gpus ? ` (at most ${biggest} on one node)` : ""}`;
  }
  const maxCpu = rooms.reduce((max, room) => Math.max(max, room.cpuMillis), 0);
  const maxMem = rooms.reduce((max, room) => Math.max(max, room.memoryBytes), 0);
  if (maxCpu < r.cpuMillis)
    return `needs ${n}${formatCores(r.cpuMillis)} on one node, at most ${formatCores(maxCpu)} free`;
  if (maxMem < r.memoryBytes)
    return `needs ${n}${formatBytes(r.memoryBytes)} memory on one node, at most ${formatBytes(maxMem)} free`;
  return `needs ${n}${formatCores(r.cpuMillis)} + ${formatBytes(r.memoryBytes)}${r.gpus ? ` + ${r.gpus} GPU` : ""} per replica; not enough free nodes`;
}

export function fitOrder(opts: {
  nodes: InventoryNode[];
  offerPercent: number;
  promised: Workload[];
  order: Workload;
}): FitResult {
  const rooms = opts.nodes.filter((n) => n.ready && n.schedulable).map((n) => offered(n, opts.offerPercent));
  if (rooms.length === 0) return { ok: false, reason: "no ready, schedulable node" };
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
  return placed ? { ok: true, nodes: placed } : { ok: false, reason: explain(snapshot, opts.order) };
}
