import { describe, expect, it } from "vitest";
import {
  fitOrder,
  type InventoryNode,
  inventoryNodesSchema,
  leaseTolerations,
  orderWorkload,
} from "./fit-order";

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const GPU_TAINT = { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" } as const;

function node(
  name: string,
  opts: {
    cpu?: number;
    memGib?: number;
    diskGib?: number;
    gpus?: number;
    model?: string;
    tainted?: boolean;
  } = {},
): InventoryNode {
  const amounts = {
    cpuMillis: (opts.cpu ?? 8) * 1000,
    memoryBytes: (opts.memGib ?? 32) * GIB,
    pods: 110,
    gpus: opts.gpus ?? 0,
    ephemeralBytes: (opts.diskGib ?? 100) * GIB,
  };
  return {
    name,
    region: "eu-central-1",
    ready: true,
    schedulable: true,
    allocatable: amounts,
    free: { ...amounts },
    gpuModel: opts.gpus ? (opts.model ?? "unknown") : null,
    ...(opts.tainted ? { taints: [GPU_TAINT] } : {}),
  };
}

const order = (
  r: Partial<{
    cpuMillis: number;
    memoryMiB: number;
    storageMiB: number;
    gpuCount: number;
    gpuModel: string | null;
  }>,
  replicas = 1,
) =>
  orderWorkload(
    { cpuMillis: 1000, memoryMiB: 1024, storageMiB: 1024, gpuCount: 0, gpuModel: null, ...r },
    replicas,
  );

describe("fitOrder: taints", () => {
  it("refuses a CPU-only order on a cluster of tainted GPU nodes, saying why", () => {
    const nodes = [node("gpu-1", { cpu: 64, gpus: 4, model: "NVIDIA-A100", tainted: true })];
    const fit = fitOrder({ nodes, offerPercent: 100, promised: [], order: order({ cpuMillis: 500 }) });
    expect(fit).toEqual({
      ok: false,
      reason:
        "no node for CPU-only workloads: every node is tainted (nvidia.com/gpu=present:NoSchedule), e.g. a GPU node",
    });
  });

  it("places a CPU-only order only on untainted nodes, even where a tainted GPU node has more room", () => {
    const nodes = [
      node("gpu-1", { cpu: 64, gpus: 4, model: "NVIDIA-A100", tainted: true }),
      node("cpu-1", { cpu: 4 }),
    ];
    expect(fitOrder({ nodes, offerPercent: 100, promised: [], order: order({ cpuMillis: 3000 }) })).toEqual({
      ok: true,
      nodes: ["cpu-1"],
    });
    const big = fitOrder({ nodes, offerPercent: 100, promised: [], order: order({ cpuMillis: 16000 }) });
    expect(big).toEqual({ ok: false, reason: "needs 16 cores on one node, at most 4 cores free" });
  });

  it("lets a GPU order onto the tainted GPU node, as its pod tolerates the GPU taint", () => {
    const nodes = [node("gpu-1", { cpu: 64, gpus: 4, model: "NVIDIA-A100", tainted: true })];
    const fit = fitOrder({ nodes, offerPercent: 100, promised: [], order: order({ gpuCount: 2 }) });
    expect(fit).toEqual({ ok: true, nodes: ["gpu-1"] });
    expect(leaseTolerations(2)).toEqual([
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
    ]);
    expect(leaseTolerations(0)).toEqual([]);
  });

  it("keeps every order off a node with a taint no lease pod tolerates", () => {
    const n = node("gpu-1", { gpus: 2, model: "NVIDIA-L4" });
    n.taints = [{ key: "nvidia.com/gpu", effect: "NoExecute" }];
    const fit = fitOrder({ nodes: [n], offerPercent: 100, promised: [], order: order({ gpuCount: 1 }) });
    expect(fit).toEqual({
      ok: false,
      reason: "its GPU nodes carry taints lease pods do not tolerate (nvidia.com/gpu:NoExecute)",
    });
  });
});

describe("fitOrder: GPU model", () => {
  const nodes = [
    node("a100", { gpus: 4, model: "NVIDIA-A100", tainted: true }),
    node("l4", { gpus: 2, model: "NVIDIA-L4", tainted: true }),
  ];
  it("places a GPU order only on nodes of the asked model", () => {
    const l4 = fitOrder({
      nodes,
      offerPercent: 100,
      promised: [],
      order: order({ gpuCount: 1, gpuModel: "NVIDIA-L4" }, 2),
    });
    expect(l4).toEqual({ ok: true, nodes: ["l4", "l4"] });
    const tooMany = fitOrder({
      nodes,
      offerPercent: 100,
      promised: [],
      order: order({ gpuCount: 3, gpuModel: "NVIDIA-L4" }),
    });
    expect(tooMany).toEqual({ ok: false, reason: "needs 3 × NVIDIA-L4, 2 free" });
  });
  it("names the models it has when the asked one is missing", () => {
    const fit = fitOrder({
      nodes,
      offerPercent: 100,
      promised: [],
      order: order({ gpuCount: 1, gpuModel: "NVIDIA-H100" }),
    });
    expect(fit).toEqual({ ok: false, reason: "no NVIDIA-H100 GPUs (has NVIDIA-A100, NVIDIA-L4)" });
  });
  it("refuses GPU orders on a cluster without GPUs", () => {
    const fit = fitOrder({
      nodes: [node("cpu")],
      offerPercent: 100,
      promised: [],
      order: order({ gpuCount: 1 }),
    });
    expect(fit).toEqual({ ok: false, reason: "no GPU nodes" });
  });
});

describe("fitOrder: ephemeral storage", () => {
  it("counts each replica's ephemeral storage against one node's free storage", () => {
    const nodes = [node("a", { diskGib: 50 }), node("b", { diskGib: 50 })];
    const two = order({ storageMiB: 80 * 1024 }, 2); // 40 GiB per replica
    expect(fitOrder({ nodes, offerPercent: 100, promised: [], order: two })).toEqual({
      ok: true,
      nodes: ["a", "b"],
    });
    const three = order({ storageMiB: 120 * 1024 }, 3);
    expect(fitOrder({ nodes, offerPercent: 100, promised: [], order: three }).ok).toBe(false);
    const huge = fitOrder({
      nodes,
      offerPercent: 100,
      promised: [],
      order: order({ storageMiB: 60 * 1024 }),
    });
    expect(huge).toEqual({
      ok: false,
      reason: "needs 60 GiB ephemeral storage on one node, at most 50 GiB free",
    });
  });
  it("keeps back the share of storage the provider does not offer, and what it has promised", () => {
    const nodes = [node("a", { diskGib: 100 })];
    const o = order({ storageMiB: 60 * 1024 });
    expect(fitOrder({ nodes, offerPercent: 50, promised: [], order: o }).ok).toBe(false);
    expect(fitOrder({ nodes, offerPercent: 100, promised: [], order: o }).ok).toBe(true);
    expect(fitOrder({ nodes, offerPercent: 100, promised: [o], order: o }).ok).toBe(false);
  });
  it("does not check storage on snapshots taken before it was read, which still parse", () => {
    const old = inventoryNodesSchema.parse([
      {
        name: "old",
        region: null,
        ready: true,
        schedulable: true,
        allocatable: { cpuMillis: 8000, memoryBytes: 32 * GIB, pods: 110, gpus: 0 },
        free: { cpuMillis: 8000, memoryBytes: 32 * GIB, pods: 110, gpus: 0 },
        gpuModel: null,
      },
    ]);
    expect(old[0]?.taints).toBeUndefined();
    const fit = fitOrder({
      nodes: old,
      offerPercent: 100,
      promised: [],
      order: order({ storageMiB: 10 * 1024 * 1024 }),
    });
    expect(fit.ok).toBe(true);
    expect(() =>
      inventoryNodesSchema.parse([{ ...old[0], taints: [{ key: "x", effect: "Sometimes" }] }]),
    ).toThrow();
  });
  it("sizes replicas from the order's totals the same way for screening and bidding", () => {
    expect(order({ cpuMillis: 3000, memoryMiB: 3072, storageMiB: 300, gpuCount: 3 }, 3).replica).toEqual({
      cpuMillis: 1000,
      memoryBytes: 1024 * MIB,
      ephemeralBytes: 100 * MIB,
      gpus: 1,
      gpuModel: null,
    });
  });
});
