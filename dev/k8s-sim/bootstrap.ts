// What a fresh cluster holds: the system namespaces and the "kubernetes" Service, and the Node
// objects built from the cluster spec (re-synced on every start, keeping their identity).
import { randomBytes } from "node:crypto";
import { newNamespace } from "./admission";
import { GPU } from "./pods";
import { R } from "./resources";
import type { SimClusterSpec } from "./simulator";
import type { Store } from "./store";
import { type Obj, uid } from "./util";

const hex = (n: number) => randomBytes(n).toString("hex");

export function bootstrap(store: Store): void {
  for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
    store.insert(R.ns, newNamespace(ns));
  }
  store.insert(R.svc, {
    metadata: {
      name: "kubernetes",
      namespace: "default",
      labels: { component: "apiserver", provider: "kubernetes" },
    },
    spec: {
      type: "ClusterIP",
      clusterIP: "10.96.0.1",
      clusterIPs: ["10.96.0.1"],
      ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }],
      sessionAffinity: "None",
    },
    status: { loadBalancer: {} },
  });
}

/** (Re)creates node objects from the cluster spec, keeping identity if they exist. */
export function syncNodes(store: Store, spec: SimClusterSpec, version: string): void {
  const region = spec.region;
  spec.nodes.forEach((n, i) => {
    const labels: Record<string, string> = {
      "beta.kubernetes.io/arch": "amd64",
      "beta.kubernetes.io/os": "linux",
      "kubernetes.io/arch": "amd64",
      "kubernetes.io/hostname": n.name,
      "kubernetes.io/os": "linux",
      "node.kubernetes.io/instance-type": n.gpus ? "gpu.standard" : "cpu.standard",
    };
    if (region) {
      labels["topology.kubernetes.io/region"] = region;
      labels["topology.kubernetes.io/zone"] = `${region}${"abc"[i % 3]}`;
    }
    if (n.gpus) {
      labels["nvidia.com/gpu.present"] = "true";
      labels["nvidia.com/gpu.count"] = String(n.gpus);
      if (n.gpuProduct) labels["nvidia.com/gpu.product"] = n.gpuProduct;
    }
    Object.assign(labels, n.labels ?? {});
    const capacity: Record<string, string> = {
      cpu: n.cpu,
      memory: n.memory,
      pods: String(n.pods ?? 110),
      "ephemeral-storage": "203056560Ki",
      "hugepages-1Gi": "0",
      "hugepages-2Mi": "0",
    };
    if (n.gpus) capacity[GPU] = String(n.gpus);
    const ready = n.ready ?? true;
    const taints: Obj[] = (n.taints ?? []).map((t) => ({ ...t }));
    if (n.unschedulable) taints.push({ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" });
    if (!ready) taints.push({ key: "node.kubernetes.io/not-ready", effect: "NoSchedule" });
    const existing = store.get(R.node, "", n.name);
    const created =
      existing?.metadata.creationTimestamp ??
      new Date(Date.now() - 86400_000 * (12 + i)).toISOString().replace(/\.\d+Z$/, "Z");
    const ip = `10.0.${Math.floor(i / 250)}.${(i % 250) + 4}`;
    const node: Obj = {
      metadata: {
        name: n.name,
        labels,
        annotations: {
          "node.alpha.kubernetes.io/ttl": "0",
          "volumes.kubernetes.io/controller-managed-attach-detach": "true",
        },
        creationTimestamp: created,
        uid: existing?.metadata.uid,
      },
      spec: {
        podCIDR: `10.244.${i}.0/24`,
        podCIDRs: [`10.244.${i}.0/24`],
        ...(taints.length ? { taints } : {}),
        ...(n.unschedulable ? { unschedulable: true } : {}),
      },
      status: {
        capacity,
        allocatable: { ...capacity },
        conditions: [
          [
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
          ],
          ["DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"],
          ["PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"],
          ready
            ? ["Ready", "True", "KubeletReady", "kubelet is posting ready status"]
            : ["Ready", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."],
        ].map(([type, status, reason, message]) => ({
          type,
          status,
          reason,
          message,
          lastHeartbeatTime: created,
          lastTransitionTime: created,
        })),
        addresses: [
          { type: "InternalIP", address: ip },
          { type: "Hostname", address: n.name },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          architecture: "amd64",
          bootID: existing?.status?.nodeInfo?.bootID ?? uid(),
          containerRuntimeVersion: "containerd://1.7.22",
          kernelVersion: "6.8.0-1015-aws",
          kubeProxyVersion: version,
          kubeletVersion: version,
          machineID: existing?.status?.nodeInfo?.machineID ?? hex(16),
          operatingSystem: "linux",
          osImage: "Ubuntu 22.04.5 LTS",
          systemUUID: existing?.status?.nodeInfo?.systemUUID ?? uid(),
        },
      },
    };
    if (!existing) store.insert(R.node, node);
    else {
      node.metadata.resourceVersion = existing.metadata.resourceVersion;
      if (
        JSON.stringify({ ...node, kind: existing.kind, apiVersion: existing.apiVersion }) !==
        JSON.stringify(existing)
      )
        store.replace(R.node, node, existing);
    }
  });
}
