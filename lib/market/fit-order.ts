import { z } from "zod";
import { type ClusterExposure, NO_EXPOSURE, type StorageClassOffer } from "@/lib/k8s/cluster-exposure";
import { formatBytes, formatCores } from "@/lib/market/format";
import { type Manifest, manifestServices, manifestTotals, serviceMaxReplicas } from "@/lib/market/manifest";

// The one answer to "can this cluster take this order?", used by the deploy page's screening (in the
// browser) and by the bid engine (on the server), so the providers shown as able to take an order are
// the ones that bid on it. First what the cluster offers: every StorageClass the order's volumes use,
// an IngressClass and base domain if a port is exposed over HTTP, NodePorts or LoadBalancers if one is
// exposed as TCP/UDP. Then node by node, the way kube-scheduler would place the lease's pods: every
// replica of every service must fit on a single node (CPU, memory, ephemeral storage, a pod slot, GPUs
// of the asked model), on a node whose NoSchedule/NoExecute taints the pod tolerates (CPU-only pods
// tolerate none, GPU pods the GPU taint) and which carries the asked GPU model. Capacity already
// promised (open bids, leases not yet running) is placed first, first-fit, on the same nodes; only the
// share of each node the provider offers (offerPercent) is usable. The order's shape comes from its
// manifest through `manifestWorkload`, the only sizing there is.

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

/** One service of a deployment: `replicas` pods of the same size. */
export interface WorkloadGroup {
  name: string;
  replica: ReplicaSize;
  replicas: number;
}

/** What a cluster must offer for an order: room for every pod, its StorageClasses and its exposure. */
export interface Workload {
  groups: WorkloadGroup[];
  /** Persistent storage per StorageClass, in MiB (provisioned by the class, not from node room). */
  volumes: { storageClass: string; sizeMiB: number }[];
  /** Whether some port is exposed over HTTP (an Ingress) or as raw TCP/UDP (NodePort/LoadBalancer). */
  exposes: { http: boolean; tcp: boolean; udp: boolean };
}

/** The part of a cluster's exposure the fit reads (what get-offers sends the browser; nothing more). */
export type OfferedExposure = Pick<ClusterExposure, "ingressClass" | "baseDomain" | "ports">;

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

/** Places each replica of the group first-fit; returns the node chosen per replica, or null. */
function place(rooms: Room[], g: WorkloadGroup): string[] | null {
  const chosen: string[] = [];
  for (let i = 0; i < g.replicas; i++) {
    const room = rooms.find((n) => fits(n, g.replica));
    if (!room) return null;
    take(room, g.replica);
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
function explainCapacity(rooms: Room[], w: WorkloadGroup): string {
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

/** The name of each StorageClass the order uses that the cluster does not offer. */
function missingClasses(w: Workload, offers: StorageClassOffer[]): string[] {
  return w.volumes.map((v) => v.storageClass).filter((name) => !offers.some((o) => o.name === name));
}

/** Why the cluster cannot expose the order's ports, or null when it can. */
function explainExposure(w: Workload, exposure: OfferedExposure | null): string | null {
  const x = exposure ?? NO_EXPOSURE;
  if (w.exposes.http && (!x.ingressClass || !x.baseDomain))
    return "does not expose HTTP (no IngressClass and base domain declared)";
  const raw = [w.exposes.tcp ? "TCP" : null, w.exposes.udp ? "UDP" : null].filter(Boolean);
  if (raw.length > 0 && x.ports === "none") return `does not expose ${raw.join("/")} ports`;
  return null;
}

// Biggest first (GPUs, then CPU, then memory), as a bin packer would: small pods do not take the one
// node a big one needs. Ties keep the manifest's order, so placement is deterministic.
function biggestFirst(a: WorkloadGroup, b: WorkloadGroup): number {
  return (
    b.replica.gpus - a.replica.gpus ||
    b.replica.cpuMillis - a.replica.cpuMillis ||
    b.replica.memoryBytes - a.replica.memoryBytes
  );
}

export function fitOrder(opts: {
  nodes: InventoryNode[];
  offerPercent: number;
  promised: Workload[];
  order: Workload;
  /** The cluster's declared exposure (clusters.exposure); null: nothing declared. */
  exposure: OfferedExposure | null;
  /** The StorageClasses the cluster offers (clusters.storage_classes). */
  storageClasses: StorageClassOffer[];
}): FitResult {
  const { order } = opts;
  const missing = [...new Set(missingClasses(order, opts.storageClasses))];
  if (missing.length > 0) {
    const offered = opts.storageClasses.map((c) => c.name);
    return {
      ok: false,
      reason: `does not offer StorageClass ${missing.map((m) => `"${m}"`).join(", ")} (${offered.length ? `offers ${offered.join(", ")}` : "offers none"})`,
    };
  }
  const unexposed = explainExposure(order, opts.exposure);
  if (unexposed) return { ok: false, reason: unexposed };

  const rooms = opts.nodes.filter((n) => n.ready && n.schedulable).map((n) => offered(n, opts.offerPercent));
  if (rooms.length === 0) return { ok: false, reason: "no ready, schedulable node" };
  // Several services: each reason names the service it is about.
  const named = (g: WorkloadGroup, reason: string) =>
    order.groups.length > 1 ? `${g.name}: ${reason}` : reason;
  for (const g of order.groups) {
    const refused = explainAdmission(rooms, g.replica);
    if (refused) return { ok: false, reason: named(g, refused) };
  }
  // What is promised but not yet running takes its room first, placed as it was when it was fitted;
  // if it no longer fits (the cluster shrank), whatever fits stays promised and the rest is ignored rather than blocking every order.
  for (const w of opts.promised)
    for (const g of [...w.groups].sort(biggestFirst))
      for (let i = 0; i < g.replicas; i++) {
        const room = rooms.find((n) => fits(n, g.replica));
        if (room) take(room, g.replica);
      }
  const nodes: string[] = [];
  for (const g of [...order.groups].sort(biggestFirst)) {
    const before = rooms.map((r) => ({ ...r }));
    const placed = place(rooms, g);
    if (!placed) return { ok: false, reason: named(g, explainCapacity(before, g)) };
    nodes.push(...placed);
  }
  return { ok: true, nodes };
}

const MiB = 1024 * 1024;

/**
 * The one sizing of an order (v1 or v2 manifest), fitted by the deploy page's screening, the bid
 * engine and promised capacity alike: a group per service (its per-replica request × replicas, the
 * autoscaling max when it autoscales: the provider must have room for every pod it may run), the
 * persistent volumes by StorageClass (manifestTotals) and the kinds of exposure its ports ask for.
 * GPU pods all select the order's one GPU model (an order names one; the lease pins it).
 */
export function manifestWorkload(manifest: Manifest): Workload {
  const { services } = manifestServices(manifest);
  const totals = manifestTotals(manifest);
  const ports = services.flatMap((s) => s.ports ?? []);
  return {
    groups: services.map((s) => ({
      name: s.name,
      replicas: serviceMaxReplicas(s),
      replica: {
        cpuMillis: s.resources.cpu,
        memoryBytes: s.resources.memory * MiB,
        ephemeralBytes: s.resources.storage * MiB,
        gpus: s.resources.gpu.count,
        gpuModel: s.resources.gpu.count > 0 ? totals.gpuModel : null,
      },
    })),
    volumes: totals.volumes,
    exposes: {
      http: ports.some((p) => p.expose === "http"),
      tcp: ports.some((p) => p.expose === "tcp"),
      udp: ports.some((p) => p.expose === "udp"),
    },
  };
}
