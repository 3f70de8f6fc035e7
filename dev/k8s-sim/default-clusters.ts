// Believable provider clusters for the dev stack and the demo, and generated ones for benchmarks.
import type { SimClusterSpec, SimNodeSpec } from "./simulator";

/** Managed GPU node pools (GKE, AKS, EKS with the NVIDIA operator) taint their nodes so that only pods
 * that tolerate it (GPU workloads) land there. */
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" } as const;

export const defaultClusters: SimClusterSpec[] = [
  {
    name: "fra-gpu",
    region: "eu-central-1",
    cni: "calico",
    nodeLocalDns: "169.254.20.10",
    nodes: [
      {
        name: "fra-gpu-a100-1",
        cpu: "64",
        memory: "512Gi",
        pods: 110,
        gpus: 4,
        gpuProduct: "NVIDIA-A100-SXM4-80GB",
        taints: [GPU_TAINT],
      },
      {
        name: "fra-gpu-a100-2",
        cpu: "64",
        memory: "512Gi",
        pods: 110,
        gpus: 4,
        gpuProduct: "NVIDIA-A100-SXM4-80GB",
        taints: [GPU_TAINT],
      },
      { name: "fra-cpu-1", cpu: "16", memory: "64Gi", pods: 110 },
    ],
  },
  {
    name: "ohio-cpu",
    region: "us-east-2",
    cni: "cilium",
    nodes: [
      { name: "ohio-cpu-1", cpu: "16", memory: "64Gi" },
      { name: "ohio-cpu-2", cpu: "16", memory: "64Gi" },
      { name: "ohio-cpu-3", cpu: "16", memory: "64Gi" },
      { name: "ohio-cpu-4", cpu: "16", memory: "64Gi" },
    ],
  },
  {
    name: "sgp-mixed",
    region: "ap-southeast-1",
    // flannel alone: the market shows "network isolation: not verified" for this provider.
    cni: "flannel",
    nodes: [
      { name: "sgp-cpu-1", cpu: "8", memory: "32Gi" },
      { name: "sgp-cpu-2", cpu: "8", memory: "32Gi" },
      {
        name: "sgp-gpu-l4-1",
        cpu: "24",
        memory: "96Gi",
        gpus: 2,
        gpuProduct: "NVIDIA-L4",
        taints: [GPU_TAINT],
      },
    ],
  },
];

const REGIONS = [
  "eu-central-1",
  "eu-west-1",
  "us-east-1",
  "us-east-2",
  "us-west-2",
  "ap-southeast-1",
  "ap-northeast-1",
  "sa-east-1",
];
const GPUS = ["NVIDIA-A100-SXM4-80GB", "NVIDIA-H100-80GB-HBM3", "NVIDIA-L4", "NVIDIA-A10G"];

/** n clusters named bench-000..., each with nodesPerCluster nodes (every 4th node carries GPUs). */
export function makeClusters(n: number, nodesPerCluster: number): SimClusterSpec[] {
  const out: SimClusterSpec[] = [];
  for (let i = 0; i < n; i++) {
    const name = `bench-${String(i).padStart(3, "0")}`;
    const nodes: SimNodeSpec[] = [];
    for (let j = 0; j < nodesPerCluster; j++) {
      const gpu = j % 4 === 3;
      nodes.push({
        name: `${name}-node-${j}`,
        cpu: gpu ? "32" : String(8 * (1 + (j % 3))),
        memory: gpu ? "256Gi" : `${32 * (1 + (j % 3))}Gi`,
        ...(gpu ? { gpus: 1 + (i % 4), gpuProduct: GPUS[i % GPUS.length], taints: [GPU_TAINT] } : {}),
      });
    }
    out.push({ name, region: REGIONS[i % REGIONS.length], nodes });
  }
  return out;
}
