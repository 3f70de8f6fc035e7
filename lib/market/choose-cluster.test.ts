import { describe, expect, it } from "vitest";
import { type CandidateCluster, chooseCluster, clusterOffers } from "./choose-cluster";
import { type InventoryNode, manifestWorkload } from "./fit-order";
import { manifestSchema, manifestTotals } from "./manifest";

const GIB = 1024 ** 3;
const node = (name: string, gpus = 0): InventoryNode => {
  const amounts = { cpuMillis: 8000, memoryBytes: 32 * GIB, pods: 110, gpus, ephemeralBytes: 100 * GIB };
  return {
    name,
    region: null,
    ready: true,
    schedulable: true,
    allocatable: amounts,
    free: { ...amounts },
    gpuModel: gpus ? "NVIDIA-L4" : null,
  };
};
const cluster = (id: string, over: Partial<CandidateCluster> = {}): CandidateCluster => ({
  id,
  name: id,
  offerPercent: 100,
  nodes: [node(`${id}-1`)],
  promised: [],
  exposure: null,
  storageClasses: [{ name: "standard", pricePerGiBHour: "100" }],
  ...over,
});
const pricing = { cpuCoreHour: "10000", memoryGibHour: "0", storageGibHour: "0", gpuHour: {} };
const order = (input: unknown) => {
  const m = manifestSchema.parse(input);
  return { order: manifestWorkload(m), totals: manifestTotals(m) };
};
const oneCore = order({ name: "a", image: "nginx:1.27", resources: { cpu: 1000, memory: 64, storage: 0 } });

describe("chooseCluster", () => {
  it("keeps the first of equally priced clusters (the bid engine's earlier choice)", () => {
    const choice = chooseCluster({ clusters: [cluster("b"), cluster("a")], pricing, ...oneCore });
    expect(choice).toEqual({ ok: true, clusterId: "b", pricePerHour: 10_000n });
  });

  it("refuses a GPU model without a price once, not per cluster, when a cluster fits", () => {
    const gpu = order({
      name: "g",
      image: "nginx:1.27",
      resources: { cpu: 1000, memory: 64, storage: 0, gpu: { count: 1, model: "NVIDIA-L4" } },
    });
    const choice = chooseCluster({
      clusters: [cluster("cpu"), cluster("gpu", { nodes: [node("gpu-1", 1)] })],
      pricing,
      ...gpu,
    });
    expect(choice).toEqual({ ok: false, reasons: ["no price set for GPU NVIDIA-L4"], pricePerHour: null });
  });
});

describe("clusterOffers", () => {
  it("reads the jsonb columns, and a value that does not parse offers nothing", () => {
    const exposure = {
      ingressClass: "nginx",
      ingressNamespace: "ingress-nginx",
      baseDomain: "apps.x.localhost",
      tls: null,
      ports: "nodeport",
    };
    const classes = [{ name: "standard", pricePerGiBHour: "100" }];
    expect(clusterOffers({ exposure, storageClasses: classes })).toEqual({
      exposure,
      storageClasses: classes,
    });
    expect(
      clusterOffers({ exposure: { ...exposure, ports: "hostport" }, storageClasses: [{ name: "Bad_Name" }] }),
    ).toEqual({ exposure: null, storageClasses: [] });
    expect(clusterOffers({ exposure: null, storageClasses: null })).toEqual({
      exposure: null,
      storageClasses: [],
    });
  });
});
