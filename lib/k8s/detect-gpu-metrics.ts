import type { V1Pod } from "@kubernetes/client-node";

// Whether the cluster exposes per-GPU utilisation: NVIDIA's DCGM exporter, which the GPU Operator
// runs as DaemonSet `nvidia-dcgm-exporter` (pods labelled app=nvidia-dcgm-exporter) and its own Helm
// chart as `dcgm-exporter` (app.kubernetes.io/name=dcgm-exporter), in a namespace of the provider's
// choosing (gpu-operator, nvidia-gpu-operator…). KubeBid may list DaemonSets only in kube-system, but
// it lists pods cluster-wide for the inventory: a running exporter pod, wherever it is, answers.
// When none is found (or nothing could be listed) the answer is "not detected": the market then says
// GPU utilisation scaling is not available there.

const EXPORTER_LABELS: Array<[string, string]> = [
  ["app", "nvidia-dcgm-exporter"],
  ["app", "dcgm-exporter"],
  ["app.kubernetes.io/name", "dcgm-exporter"],
];

export interface GpuMetricsDetection {
  found: boolean;
  /** For the probe's check: where the exporter runs, or why nothing was found. */
  detail: string;
}

export function detectDcgmExporter(pods: readonly V1Pod[]): GpuMetricsDetection {
  const exporters = pods.filter(
    (p) =>
      p.status?.phase === "Running" &&
      !p.metadata?.deletionTimestamp &&
      EXPORTER_LABELS.some(([k, v]) => p.metadata?.labels?.[k] === v),
  );
  if (exporters.length === 0)
    return {
      found: false,
      detail: "No running DCGM exporter found: GPU utilisation is not available for scaling.",
    };
  const namespaces = [...new Set(exporters.map((p) => p.metadata?.namespace ?? ""))].sort();
  return {
    found: true,
    detail: `DCGM exporter running (${exporters.length} pod${exporters.length === 1 ? "" : "s"} in ${namespaces.join(", ")}): GPU utilisation is exposed.`,
  };
}
