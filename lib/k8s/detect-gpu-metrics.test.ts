import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { detectDcgmExporter } from "./detect-gpu-metrics";

const pod = (namespace: string, labels: Record<string, string>, phase = "Running"): V1Pod => ({
  metadata: { name: `p-${namespace}`, namespace, labels },
  status: { phase },
});

describe("detectDcgmExporter", () => {
  it.each<[string, V1Pod[], boolean, RegExp]>([
    [
      "the GPU Operator's exporter",
      [pod("gpu-operator", { app: "nvidia-dcgm-exporter" })],
      true,
      /1 pod in gpu-operator/,
    ],
    [
      "the Helm chart's exporter, in two namespaces",
      [
        pod("monitoring", { "app.kubernetes.io/name": "dcgm-exporter" }),
        pod("gpu", { app: "dcgm-exporter" }),
      ],
      true,
      /2 pods in gpu, monitoring/,
    ],
    [
      "an exporter that is not running",
      [pod("gpu-operator", { app: "nvidia-dcgm-exporter" }, "Pending")],
      false,
      /No running DCGM exporter/,
    ],
    [
      "other pods only",
      [pod("default", { app: "dcgm-exporter-docs" }), pod("kube-system", { "k8s-app": "kube-dns" })],
      false,
      /not available/,
    ],
  ])("%s", (_label, pods, found, detail) => {
    const r = detectDcgmExporter(pods);
    expect(r.found).toBe(found);
    expect(r.detail).toMatch(detail);
  });
});
