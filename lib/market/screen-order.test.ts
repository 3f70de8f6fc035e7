import { describe, expect, it } from "vitest";
import type { InventoryNode } from "./fit-order";
import { type ProviderOffer, screenOrder } from "./screen-order";

const GIB = 1024 ** 3;

function gpuNode(name: string): InventoryNode {
  const amounts = {
    cpuMillis: 64_000,
    memoryBytes: 512 * GIB,
    pods: 110,
    gpus: 4,
    ephemeralBytes: 190 * GIB,
  };
  return {
    name,
    region: "eu-central-1",
    ready: true,
    schedulable: true,
    allocatable: amounts,
    free: { ...amounts },
    gpuModel: "NVIDIA-A100-SXM4-80GB",
    taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }],
  };
}

const gpuOnly: ProviderOffer = {
  address: "0x00000000000000000000000000000000000000aa",
  name: "GPU only",
  region: "eu-central-1",
  pricing: {
    cpuCoreHour: "10000",
    memoryGibHour: "2000",
    storageGibHour: "0",
    gpuHour: { "NVIDIA-A100-SXM4-80GB": "1000000" },
  },
  registered: true,
  autoBid: true,
  clusters: [
    {
      id: "c1",
      name: "fra-gpu",
      region: "eu-central-1",
      offerPercent: 100,
      nodes: [gpuNode("a100-1"), gpuNode("a100-2")],
      promised: [],
    },
  ],
};

const base = { region: null, maxPricePerHour: null, replicas: 1 };

describe("screenOrder", () => {
  it("refuses a CPU-only order on a GPU-only cluster, with the fit's reason", () => {
    const [r] = screenOrder([gpuOnly], {
      ...base,
      resources: { cpuMillis: 1000, memoryMiB: 1024, storageMiB: 1024, gpuCount: 0, gpuModel: null },
    });
    expect(r).toMatchObject({ eligible: false });
    expect(r?.reasons).toEqual([
      "no node for CPU-only workloads: every node is tainted (nvidia.com/gpu=present:NoSchedule), e.g. a GPU node",
    ]);
  });

  it("takes a GPU order of the cluster's model there, and refuses another model", () => {
    const gpu = (model: string) =>
      screenOrder([gpuOnly], {
        ...base,
        resources: { cpuMillis: 1000, memoryMiB: 1024, storageMiB: 1024, gpuCount: 1, gpuModel: model },
      })[0];
    expect(gpu("NVIDIA-A100-SXM4-80GB")).toMatchObject({ eligible: true, reasons: [] });
    expect(gpu("NVIDIA-L4")?.reasons).toContain("no NVIDIA-L4 GPUs (has NVIDIA-A100-SXM4-80GB)");
  });
});
