// Defaulting for the kinds admission.ts's defaults() does not cover (pkg/apis/*/v1/defaults.go):
// Secret type and stringData (merged into data on decode, never stored), PVC volumeMode and phase,
// StorageClass reclaimPolicy/volumeBindingMode, a RollingUpdate strategy's parameters, HPA minReplicas,
// NetworkPolicy policyTypes and port protocols.
import type { ResDef } from "../resources";
import type { Obj } from "../util";

export function defaultKinds(def: ResDef, o: Obj): void {
  const k = `${def.group}/${def.name}`;
  if (k === "/secrets") {
    o.type ??= "Opaque";
    if (o.stringData && typeof o.stringData === "object") {
      o.data ??= {};
      for (const [key, v] of Object.entries(o.stringData))
        o.data[key] = Buffer.from(String(v)).toString("base64");
      delete o.stringData;
    }
  }
  if (k === "/persistentvolumeclaims") {
    o.spec ??= {};
    o.spec.volumeMode ??= "Filesystem";
    o.status ??= { phase: "Pending" };
  }
  if (k === "/persistentvolumes") {
    // SetDefaults_PersistentVolume(+Spec)
    o.spec ??= {};
    o.spec.persistentVolumeReclaimPolicy ??= "Retain";
    o.spec.volumeMode ??= "Filesystem";
    o.status ??= { phase: "Pending" };
  }
  if (k === "storage.k8s.io/storageclasses") {
    o.reclaimPolicy ??= "Delete";
    o.volumeBindingMode ??= "Immediate";
  }
  if (k === "apps/deployments" && o.spec?.strategy) {
    // apps/v1 SetDefaults_Deployment: an empty type is RollingUpdate, with 25%/25%.
    o.spec.strategy.type ||= "RollingUpdate";
    if (o.spec.strategy.type === "RollingUpdate")
      o.spec.strategy.rollingUpdate ??= { maxUnavailable: "25%", maxSurge: "25%" };
  }
  if (k === "networking.k8s.io/networkpolicies" && o.spec) {
    // SetDefaults_NetworkPolicy (+Port): Ingress always, Egress when egress rules are given; TCP ports.
    if (!o.spec.policyTypes?.length)
      o.spec.policyTypes = o.spec.egress?.length ? ["Ingress", "Egress"] : ["Ingress"];
    for (const dir of ["ingress", "egress"])
      for (const rule of o.spec[dir] ?? []) for (const p of rule?.ports ?? []) if (p) p.protocol ??= "TCP";
  }
  if (k === "autoscaling/horizontalpodautoscalers") {
    o.spec ??= {};
    o.spec.minReplicas ??= 1;
  }
}

/**
 * An update that leaves out a Service's allocated clusterIP(s) or nodePorts keeps them
 * (pkg/registry/core/service/storage/storage.go patchAllocatedValues); a clusterIP changed without
 * clusterIPs moves clusterIPs[0] with it, so validation sees the change (normalizeClusterIPs).
 */
export function keepAllocatedServiceFields(next: Obj, old: Obj): void {
  const n = next.spec;
  const o = old.spec;
  if (!n || !o || n.type === "ExternalName" || o.type === "ExternalName") return;
  if (!n.clusterIP) n.clusterIP = o.clusterIP;
  if (!n.clusterIPs?.length) n.clusterIPs = o.clusterIPs;
  else if (n.clusterIP !== o.clusterIP && JSON.stringify(n.clusterIPs) === JSON.stringify(o.clusterIPs))
    n.clusterIPs = [n.clusterIP, ...n.clusterIPs.slice(1)];
  for (const p of n.ports ?? []) {
    const was = (o.ports ?? []).find(
      (x: Obj) => x.port === p.port && (x.protocol ?? "TCP") === (p.protocol ?? "TCP"),
    );
    if (!p.nodePort && was?.nodePort && n.type !== "ClusterIP") p.nodePort = was.nodePort;
  }
}
