import { describe, expect, it } from "vitest";
import type { ClusterExposure } from "@/lib/k8s/cluster-exposure";
import type { InventoryNode } from "./fit-order";
import { type ManifestInput, manifestSchema } from "./manifest";
import { type OfferCluster, type ProviderOffer, screenOrder } from "./screen-order";

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
      exposure: null,
      storageClasses: [],
    },
  ],
};

const base = { region: null, maxPricePerHour: null };

/** A one-service v1 manifest of 1 core, 1 GiB, 1 GiB ephemeral storage and `gpus` of `model`. */
const v1 = (gpus = 0, model?: string) =>
  manifestSchema.parse({
    name: "app",
    image: "nginx:1.27",
    resources: { cpu: 1000, memory: 1024, storage: 1024, gpu: { count: gpus, ...(model ? { model } : {}) } },
  });

describe("screenOrder", () => {
  it("refuses a CPU-only order on a GPU-only cluster, with the fit's reason", () => {
    const [r] = screenOrder([gpuOnly], { ...base, manifest: v1() });
    expect(r).toMatchObject({ eligible: false });
    expect(r?.reasons).toEqual([
      "no node for CPU-only workloads: every node is tainted (nvidia.com/gpu=present:NoSchedule), e.g. a GPU node",
    ]);
  });

  it("takes a GPU order of the cluster's model there, and refuses another model", () => {
    const gpu = (model: string) => screenOrder([gpuOnly], { ...base, manifest: v1(1, model) })[0];
    expect(gpu("NVIDIA-A100-SXM4-80GB")).toMatchObject({ eligible: true, reasons: [] });
    expect(gpu("NVIDIA-L4")?.reasons).toEqual([
      "no NVIDIA-L4 GPUs (has NVIDIA-A100-SXM4-80GB)",
      "no price set for GPU NVIDIA-L4",
    ]);
  });
});

describe("screenOrder: volumes and exposure, per cluster", () => {
  const cpuNode = (name: string): InventoryNode => ({
    ...gpuNode(name),
    gpuModel: null,
    taints: [],
    allocatable: { cpuMillis: 8000, memoryBytes: 32 * GIB, pods: 110, gpus: 0, ephemeralBytes: 100 * GIB },
    free: { cpuMillis: 8000, memoryBytes: 32 * GIB, pods: 110, gpus: 0, ephemeralBytes: 100 * GIB },
  });
  const http: ClusterExposure = {
    ingressClass: "nginx",
    ingressNamespace: "ingress-nginx",
    baseDomain: "apps.x.localhost",
    tls: null,
    ports: "none",
  };
  const cluster = (id: string, over: Partial<OfferCluster>): OfferCluster => ({
    id,
    name: id,
    region: "eu-central-1",
    offerPercent: 100,
    nodes: [cpuNode(`${id}-1`)],
    promised: [],
    exposure: http,
    storageClasses: [],
    ...over,
  });
  const provider = (clusters: OfferCluster[]): ProviderOffer => ({
    ...gpuOnly,
    pricing: { cpuCoreHour: "10000", memoryGibHour: "2000", storageGibHour: "100", gpuHour: {} },
    clusters,
  });
  // web (http) + db with 10 GiB of fast-ssd.
  const shop: ManifestInput = {
    version: 2,
    name: "shop",
    services: [
      {
        name: "web",
        image: "nginx:1.27",
        ports: [{ port: 80, expose: "http" }],
        resources: { cpu: 1000, memory: 1024, storage: 1024 },
      },
      {
        name: "db",
        image: "postgres:16",
        resources: { cpu: 1000, memory: 1024, storage: 1024 },
        volumes: [{ name: "data", mount: "/data", size: 10 * 1024, storageClass: "fast-ssd" }],
      },
    ],
  };
  const manifest = manifestSchema.parse(shop);
  // Without volumes: 2 cores 20000 + 2 GiB 4000 + 2 GiB ephemeral 200 = 24200 per hour.
  const rest = 24_200n;

  it("prices on the cluster it would use, the cheapest that fits", () => {
    const offer = provider([
      cluster("dear", { storageClasses: [{ name: "fast-ssd", pricePerGiBHour: "900" }] }),
      cluster("cheap", { storageClasses: [{ name: "fast-ssd", pricePerGiBHour: "300" }] }),
      cluster("full", {
        nodes: [],
        storageClasses: [{ name: "fast-ssd", pricePerGiBHour: "1" }],
      }),
    ]);
    const [r] = screenOrder([offer], { ...base, manifest });
    expect(r).toMatchObject({ eligible: true, pricePerHour: rest + 3000n });
  });

  it("names each cluster's reason when none can take it, and shows its lowest rate", () => {
    const offer = provider([
      cluster("plain", { storageClasses: [{ name: "standard", pricePerGiBHour: "100" }] }),
      cluster("private", { exposure: null, storageClasses: [{ name: "fast-ssd", pricePerGiBHour: "500" }] }),
    ]);
    const [r] = screenOrder([offer], { ...base, manifest });
    expect(r).toMatchObject({ eligible: false, pricePerHour: rest + 5000n });
    expect(r?.reasons).toEqual([
      'plain: does not offer StorageClass "fast-ssd" (offers standard)',
      "private: does not expose HTTP (no IngressClass and base domain declared)",
    ]);
  });

  it("refuses a rate above the max price on the cluster it would use", () => {
    const offer = provider([
      cluster("c", { storageClasses: [{ name: "fast-ssd", pricePerGiBHour: "300" }] }),
    ]);
    const [r] = screenOrder([offer], { ...base, manifest, maxPricePerHour: rest + 2999n });
    expect(r?.reasons).toEqual(["its rate is above your max price"]);
  });
});
