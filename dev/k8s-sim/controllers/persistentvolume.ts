// PersistentVolume controller and the provisioners behind the seeded StorageClasses, after
// pkg/controller/volume/persistentvolume/pv_controller.go (syncUnboundClaim, syncVolume,
// provisionClaim, reclaimVolume), pkg/controller/volume/pvcprotection and pvprotection:
// - a claim binds to the smallest Available volume of its class that fits (access modes, size), else
//   its class provisions one: Immediate classes at once, WaitForFirstConsumer ones when the scheduler
//   has picked a node for a pod using it (`volume.kubernetes.io/selected-node`);
// - a claim whose class does not exist stays Pending with `ProvisioningFailed`;
// - a volume whose claim is gone is released and, with reclaimPolicy Delete, deleted with its data;
// - `kubernetes.io/pvc-protection` holds a deleted claim while a pod uses it, `pv-protection` a
//   deleted volume while it is bound.
// Provisioners: rancher.io/local-path (a directory on the selected node: hostPath + node affinity)
// and driver.longhorn.io (a network volume any node can attach: CSI, no affinity). The data lives
// in the simulator's volume directory of the PV (volumes.ts).
import { PV_PROTECTION, PVC_PROTECTION } from "../admission";
import { isTerminal } from "../pods";
import { R, type ResDef } from "../resources";
import { LONGHORN_PROVISIONER, LOCAL_PATH_PROVISIONER } from "../storage-classes";
import type { Store } from "../store";
import { type Obj, parseQuantity } from "../util";
import type { ControllerContext } from "./context";

export const SELECTED_NODE = "volume.kubernetes.io/selected-node";
const COMPONENT = "persistentvolume-controller";

export class PersistentVolumeController {
  /** Last event per claim uid: the controller says a thing once, not on every reconcile. */
  private readonly said = new Map<string, string>();

  sync(ctx: ControllerContext): void {
    for (const pvc of ctx.store.list(R.pvc)) {
      if (pvc.metadata.deletionTimestamp) this.releaseClaim(ctx.store, pvc);
      else if (pvc.status?.phase !== "Bound" || !pvc.spec?.volumeName) this.syncUnboundClaim(ctx, pvc);
    }
    for (const pv of ctx.store.list(R.pv)) this.syncVolume(ctx, pv);
    const live = new Set(ctx.store.list(R.pvc).map((c) => c.metadata.uid));
    for (const k of this.said.keys()) if (!live.has(k)) this.said.delete(k);
  }

  private say(
    ctx: ControllerContext,
    pvc: Obj,
    type: "Normal" | "Warning",
    reason: string,
    msg: string,
    by = COMPONENT,
  ) {
    const key = `${reason}\n${msg}`;
    if (this.said.get(pvc.metadata.uid) === key) return;
    this.said.set(pvc.metadata.uid, key);
    ctx.events.record(R.pvc, pvc, type, reason, msg, by);
  }

  private syncUnboundClaim(ctx: ControllerContext, pvc: Obj): void {
    const { store } = ctx;
    const ns = pvc.metadata.namespace;
    const className: string = pvc.spec?.storageClassName ?? "";
    const pre = pvc.spec?.volumeName ? store.get(R.pv, "", pvc.spec.volumeName) : undefined;
    if (pvc.spec?.volumeName) {
      // Pre-bound by the user: bind when that volume exists and is not someone else's.
      const ref = pre?.spec?.claimRef;
      if (pre && (!ref || (ref.namespace === ns && ref.name === pvc.metadata.name))) bind(store, pvc, pre);
      return;
    }
    const found = matchVolume(store, pvc, className);
    if (found) {
      bind(store, pvc, found);
      return;
    }
    if (!className) {
      this.say(
        ctx,
        pvc,
        "Normal",
        "FailedBinding",
        "no persistent volumes available for this claim and no storage class is set",
      );
      return;
    }
    const sc = store.get(R.sc, "", className);
    if (!sc) {
      this.say(
        ctx,
        pvc,
        "Warning",
        "ProvisioningFailed",
        `storageclass.storage.k8s.io "${className}" not found`,
      );
      return;
    }
    const node: string | undefined = pvc.metadata.annotations?.[SELECTED_NODE];
    if (sc.volumeBindingMode === "WaitForFirstConsumer" && !node) {
      this.say(
        ctx,
        pvc,
        "Normal",
        "WaitForFirstConsumer",
        "waiting for first consumer to be created before binding",
      );
      return;
    }
    if (sc.provisioner !== LOCAL_PATH_PROVISIONER && sc.provisioner !== LONGHORN_PROVISIONER) {
      this.say(
        ctx,
        pvc,
        "Normal",
        "ExternalProvisioning",
        `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that your external provisioner is running and correctly registered.`,
      );
      return;
    }
    this.provision(ctx, pvc, sc, node);
  }

  private provision(ctx: ControllerContext, pvc: Obj, sc: Obj, node: string | undefined): void {
    const { store } = ctx;
    const ns = pvc.metadata.namespace;
    const name = `pvc-${pvc.metadata.uid}`;
    const by = sc.provisioner as string;
    const local = by === LOCAL_PATH_PROVISIONER;
    if (local && !node) {
      // local-path-provisioner needs a node: an Immediate class on it cannot provision (said once,
      // not on every reconcile).
      this.say(
        ctx,
        pvc,
        "Warning",
        "ProvisioningFailed",
        `failed to provision volume with StorageClass "${sc.metadata.name}": configuration error, no node was specified`,
        by,
      );
      return;
    }
    // Both provisioners answer before the controller looks again: the volume is there at once.
    ctx.events.record(
      R.pvc,
      pvc,
      "Normal",
      "Provisioning",
      `External provisioner is provisioning volume for claim "${ns}/${pvc.metadata.name}"`,
      by,
    );
    const pv: Obj = {
      metadata: {
        name,
        annotations: {
          "pv.kubernetes.io/provisioned-by": by,
          ...(local ? { "local.path.provisioner/selected-node": node } : {}),
        },
        finalizers: [PV_PROTECTION],
      },
      spec: {
        accessModes: [...(pvc.spec.accessModes ?? [])],
        capacity: { storage: pvc.spec.resources.requests.storage },
        claimRef: claimRef(pvc),
        persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? "Delete",
        storageClassName: sc.metadata.name,
        volumeMode: pvc.spec.volumeMode ?? "Filesystem",
        ...(local
          ? {
              hostPath: {
                path: `/opt/local-path-provisioner/${name}_${ns}_${pvc.metadata.name}`,
                type: "DirectoryOrCreate",
              },
              nodeAffinity: {
                required: {
                  nodeSelectorTerms: [
                    { matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [node] }] },
                  ],
                },
              },
            }
          : { csi: { driver: by, fsType: "ext4", volumeHandle: name } }),
      },
      status: { phase: "Bound" },
    };
    const stored = store.insert(R.pv, pv);
    ctx.volumes.pv(name);
    const claim = store.mutate(R.pvc, ns, pvc.metadata.name, (x) => {
      x.metadata.annotations = {
        ...(x.metadata.annotations ?? {}),
        "volume.beta.kubernetes.io/storage-provisioner": by,
        "volume.kubernetes.io/storage-provisioner": by,
      };
    });
    bind(store, claim ?? pvc, stored);
    ctx.events.record(
      R.pvc,
      claim ?? pvc,
      "Normal",
      "ProvisioningSucceeded",
      `Successfully provisioned volume ${name}`,
      by,
    );
  }

  private syncVolume(ctx: ControllerContext, pv: Obj): void {
    const { store } = ctx;
    const ref = pv.spec?.claimRef;
    if (pv.metadata.deletionTimestamp && pv.status?.phase !== "Bound") {
      dropFinalizer(store, R.pv, pv, PV_PROTECTION);
      return;
    }
    if (!ref) {
      if (pv.status?.phase !== "Available")
        store.mutate(R.pv, "", pv.metadata.name, (x) => (x.status = { phase: "Available" }));
      return;
    }
    const claim = store.get(R.pvc, ref.namespace, ref.name);
    if (claim && (!ref.uid || claim.metadata.uid === ref.uid)) {
      if (claim.spec?.volumeName === pv.metadata.name && pv.status?.phase !== "Bound")
        store.mutate(R.pv, "", pv.metadata.name, (x) => (x.status = { phase: "Bound" }));
      return;
    }
    if (!ref.uid) return; // pre-bound to a claim not created yet
    // The claim is gone: released, then reclaimed by policy.
    if (pv.spec.persistentVolumeReclaimPolicy === "Delete") {
      // The provisioner deletes the volume (its data goes with the PV, see cluster.ts onRemove).
      store.remove(R.pv, "", pv.metadata.name);
      return;
    }
    if (pv.status?.phase !== "Released")
      store.mutate(R.pv, "", pv.metadata.name, (x) => (x.status = { phase: "Released" }));
  }

  /** pvc-protection: a claim marked for deletion goes once no running pod uses it. */
  private releaseClaim(store: Store, pvc: Obj): void {
    const ns = pvc.metadata.namespace;
    const inUse = store
      .list(R.pod, ns)
      .some(
        (p) =>
          !isTerminal(p) &&
          (p.spec?.volumes ?? []).some((v: Obj) => v.persistentVolumeClaim?.claimName === pvc.metadata.name),
      );
    if (!inUse) dropFinalizer(store, R.pvc, pvc, PVC_PROTECTION);
  }
}

function claimRef(pvc: Obj): Obj {
  return {
    kind: "PersistentVolumeClaim",
    namespace: pvc.metadata.namespace,
    name: pvc.metadata.name,
    uid: pvc.metadata.uid,
    apiVersion: "v1",
    resourceVersion: pvc.metadata.resourceVersion,
  };
}

/** The smallest Available volume of the class with the claim's access modes and at least its size. */
function matchVolume(store: Store, pvc: Obj, className: string): Obj | undefined {
  const want = parseQuantity(pvc.spec?.resources?.requests?.storage ?? "0");
  const modes: string[] = pvc.spec?.accessModes ?? [];
  return store
    .list(R.pv)
    .filter(
      (pv) =>
        !pv.metadata.deletionTimestamp &&
        !pv.spec?.claimRef &&
        (pv.spec?.storageClassName ?? "") === className &&
        (pv.spec?.volumeMode ?? "Filesystem") === (pvc.spec?.volumeMode ?? "Filesystem") &&
        modes.every((m) => (pv.spec?.accessModes ?? []).includes(m)) &&
        parseQuantity(pv.spec?.capacity?.storage ?? "0") >= want,
    )
    .sort((a, b) => parseQuantity(a.spec.capacity.storage) - parseQuantity(b.spec.capacity.storage))[0];
}

function bind(store: Store, pvc: Obj, pv: Obj): void {
  store.mutate(R.pv, "", pv.metadata.name, (x) => {
    x.spec.claimRef = claimRef(pvc);
    x.status = { phase: "Bound" };
  });
  store.mutate(R.pvc, pvc.metadata.namespace, pvc.metadata.name, (x) => {
    x.spec.volumeName = pv.metadata.name;
    x.metadata.annotations = {
      ...(x.metadata.annotations ?? {}),
      "pv.kubernetes.io/bind-completed": "yes",
      "pv.kubernetes.io/bound-by-controller": "yes",
    };
    x.status = {
      phase: "Bound",
      accessModes: [...(pv.spec.accessModes ?? [])],
      capacity: { ...(pv.spec.capacity ?? {}) },
    };
  });
}

function dropFinalizer(store: Store, def: ResDef, o: Obj, finalizer: string): void {
  const rest = (o.metadata.finalizers ?? []).filter((f: string) => f !== finalizer);
  if (o.metadata.deletionTimestamp && !rest.length) {
    store.remove(def, o.metadata.namespace ?? "", o.metadata.name);
    return;
  }
  store.mutate(def, o.metadata.namespace ?? "", o.metadata.name, (x) => {
    x.metadata.finalizers = rest.length ? rest : undefined;
  });
}
