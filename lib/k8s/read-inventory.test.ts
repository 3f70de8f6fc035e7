import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { computeInventory, podRequests } from "./read-inventory";

function node(
  name: string,
  opts: {
    cpu?: string;
    memory?: string;
    gpus?: number;
    model?: string;
    region?: string;
    ready?: boolean;
    unschedulable?: boolean;
    taint?: string;
  } = {},
): V1Node {
  return {
    metadata: {
      name,
      labels: {
        ...(opts.region ? { "topology.kubernetes.io/region": opts.region } : {}),
        ...(opts.model ? { "nvidia.com/gpu.product": opts.model } : {}),
      },
    },
    spec: {
      unschedulable: opts.unschedulable,
      taints: opts.taint ? [{ key: opts.taint, effect: "NoSchedule" }] : undefined,
    },
    status: {
      allocatable: {
        cpu: opts.cpu ?? "4",
        memory: opts.memory ?? "8Gi",
        pods: "110",
        "ephemeral-storage": "100Gi",
        ...(opts.gpus ? { "nvidia.com/gpu": String(opts.gpus) } : {}),
      },
      conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }],
    },
  };
}

function pod(
  nodeName: string | undefined,
  phase: string,
  requests: Record<string, string>,
  extra: Partial<V1Pod["spec"]> = {},
): V1Pod {
  return {
    metadata: { name: `p-${Math.random()}` },
    spec: { nodeName, containers: [{ name: "c", resources: { requests } }], ...extra },
    status: { phase },
  };
}

describe("computeInventory", () => {
  it("subtracts requests of pods holding resources and ignores finished and unbound pods", () => {
    const inv = computeInventory(
      [node("a", { region: "eu" })],
      [
        pod("a", "Running", { cpu: "500m", memory: "1Gi", "ephemeral-storage": "2Gi" }),
        pod("a", "Pending", { cpu: "1", memory: "512Mi" }),
        pod("a", "Succeeded", { cpu: "2", memory: "2Gi" }),
        pod("a", "Failed", { cpu: "2", memory: "2Gi" }),
        pod(undefined, "Pending", { cpu: "2", memory: "2Gi" }),
      ],
    );
    expect(inv.nodes[0]?.free).toEqual({
      cpuMillis: 2500,
      memoryBytes: 8 * 1024 ** 3 - 1.5 * 1024 ** 3,
      pods: 108,
      gpus: 0,
      ephemeralBytes: 100 * 1024 ** 3 - 2 * 1024 ** 3,
    });
    expect(inv.free).toEqual({ cpuMillis: 2500, memoryBytes: 6.5 * 1024 ** 3, gpus: {} });
    expect(inv.region).toBe("eu");
  });

  it("counts only ready, schedulable nodes in the totals and groups GPUs by model", () => {
    const inv = computeInventory(
      [
        node("gpu1", { gpus: 4, model: "NVIDIA-H100", region: "us", taint: "nvidia.com/gpu" }),
        node("gpu2", { gpus: 2 }),
        node("down", { ready: false, gpus: 8, model: "NVIDIA-H100" }),
        node("cordoned", { unschedulable: true }),
        node("control-plane", { taint: "node-role.kubernetes.io/control-plane" }),
      ],
      [pod("gpu1", "Running", { cpu: "1", "nvidia.com/gpu": "1" })],
    );
    expect(inv.allocatable).toEqual({
      cpuMillis: 8000,
      memoryBytes: 16 * 1024 ** 3,
      gpus: { "NVIDIA-H100": 4, unknown: 2 },
    });
    expect(inv.free.gpus).toEqual({ "NVIDIA-H100": 3, unknown: 2 });
    expect(inv.nodes.map((n) => [n.name, n.ready, n.schedulable])).toEqual([
      ["gpu1", true, true],
      ["gpu2", true, true],
      ["down", false, true],
      ["cordoned", true, false],
      ["control-plane", true, false],
    ]);
  });

  it("keeps each node's NoSchedule/NoExecute taints for the fit, not PreferNoSchedule", () => {
    const n = node("gpu", { gpus: 1, model: "NVIDIA-L4" });
    n.spec = {
      taints: [
        { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" },
        { key: "example.com/soft", effect: "PreferNoSchedule" },
      ],
    };
    const inv = computeInventory([n, node("plain")], []);
    expect(inv.nodes[0]?.taints).toEqual([{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }]);
    expect(inv.nodes[0]?.schedulable).toBe(true);
    expect(inv.nodes[1]?.taints).toBeUndefined();
  });

  it("computes a pod's effective request like the scheduler (init containers, sidecars, overhead)", () => {
    const p = pod(
      "a",
      "Running",
      { cpu: "200m", memory: "100Mi" },
      {
        initContainers: [
          { name: "init", resources: { requests: { cpu: "1", memory: "50Mi" } } },
          {
            name: "sidecar",
            restartPolicy: "Always",
            resources: { requests: { cpu: "100m", memory: "10Mi" } },
          },
        ],
        overhead: { cpu: "50m" },
      },
    );
    expect(podRequests(p)).toEqual({
      cpuMillis: 1050,
      memoryBytes: 110 * 1024 ** 2,
      ephemeralBytes: 0,
      gpus: 0,
    });
  });
});
