// The StorageClasses a simulated cluster offers, as a small provider's cluster has them: `standard`
// is Rancher's local-path-provisioner as kind and k3s install it (default class, node-local
// directories, WaitForFirstConsumer so the volume is made on the node the pod lands on), and
// `fast-ssd` an Immediate class on Longhorn (replicated network volumes any node can attach, made
// when the claim is; local-path cannot serve Immediate: it needs the consumer's node).
// Created through the registry on a fresh cluster and on a restored one that has none.
// References: https://github.com/rancher/local-path-provisioner/blob/master/deploy/local-path-storage.yaml,
// https://github.com/longhorn/longhorn/blob/master/chart/templates/storageclass.yaml
import type { Registry } from "./registry";
import { R } from "./resources";
import type { Store } from "./store";
import type { Obj } from "./util";

export const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";
export const LOCAL_PATH_PROVISIONER = "rancher.io/local-path";
export const LONGHORN_PROVISIONER = "driver.longhorn.io";

const CLASSES: Obj[] = [
  {
    metadata: { name: "standard", annotations: { [DEFAULT_CLASS_ANNOTATION]: "true" } },
    provisioner: LOCAL_PATH_PROVISIONER,
    reclaimPolicy: "Delete",
    volumeBindingMode: "WaitForFirstConsumer",
  },
  {
    metadata: { name: "fast-ssd" },
    provisioner: LONGHORN_PROVISIONER,
    parameters: { numberOfReplicas: "3", staleReplicaTimeout: "30", fsType: "ext4" },
    allowVolumeExpansion: true,
    reclaimPolicy: "Delete",
    volumeBindingMode: "Immediate",
  },
];

export function ensureStorageClasses(store: Store, registry: Registry): void {
  if (store.list(R.sc).length) return;
  for (const o of CLASSES) registry.create(R.sc, "", structuredClone(o));
}

/**
 * The default class for a claim without `storageClassName` (DefaultStorageClass admission plugin,
 * plugin/pkg/admission/storage/storageclass/setdefault: the newest of the annotated classes).
 */
export function defaultStorageClass(store: Store): Obj | undefined {
  return store
    .list(R.sc)
    .filter((sc) => sc.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true")
    .sort((a, b) =>
      String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)),
    )[0];
}
