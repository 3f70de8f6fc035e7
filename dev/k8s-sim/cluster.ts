// One simulated cluster: wires the parts together and runs the reconcile loop. Where things are:
// store.ts (objects, resourceVersions, watch), registry.ts (create/update/apply/delete),
// admission.ts + quota.ts (defaulting, validation, LimitRange, PodSecurity, ResourceQuota),
// controllers/ (namespace, deployment, replicaset, endpoints, resourcequota, hpa), scheduler.ts,
// kubelet.ts (+ images.ts), events.ts, bootstrap.ts (system namespaces, nodes), addons.ts (cluster
// DNS), ingress-nginx.ts (the ingress controller's objects), network.ts (DNS, Services, NetworkPolicy,
// the apps in running containers), node-leases.ts (node heartbeats). See README.md.

import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureAddons } from "./addons";
import "./apps";
import { validate } from "./admission";
import { bootstrap, syncNodes } from "./bootstrap";
import type { ControllerContext } from "./controllers/context";
import { deploymentController, deploymentStatus } from "./controllers/deployment";
import { endpointsController } from "./controllers/endpoints";
import { DEFAULT_HPA_OPTIONS, HpaController, type HpaOptions } from "./controllers/hpa";
import { namespaceController } from "./controllers/namespace";
import { activePodsByOwner } from "./controllers/owner-refs";
import { PersistentVolumeController } from "./controllers/persistentvolume";
import { ReplicaSetController, replicaSetStatus } from "./controllers/replicaset";
import { resourceQuotaStatus } from "./controllers/resourcequota";
import { EventRecorder, type EventType } from "./events";
import { ensureIngressNginx, INGRESS_NAMESPACE, ingressStatusController } from "./ingress-nginx";
import { Kubelet } from "./kubelet";
import { Network } from "./network";
import { ensureNetworkAddons } from "./network-addons";
import { renewNodeLeases } from "./node-leases";
import { quotaUsage } from "./quota";
import { ensureBootstrapPolicy } from "./rbac/bootstrap-policy";
import { TokenStore } from "./rbac/tokens";
import { Registry } from "./registry";
import { R, type ResDef, resKey } from "./resources";
import { Scheduler } from "./scheduler";
import { serviceLoadBalancerController } from "./service-lb";
import type { SimClusterSpec } from "./simulator";
import { ensureStorageClasses } from "./storage-classes";
import { type ClusterSnapshot, Store } from "./store";
import type { Obj } from "./util";
import { VolumeDirs } from "./volumes";
import type { ContainerSim } from "./workload";

export class ClusterState {
  readonly version: string;
  readonly metricsApi: boolean;
  readonly store: Store;
  readonly events: EventRecorder;
  readonly kubelet: Kubelet;
  readonly registry: Registry;
  readonly scheduler: Scheduler;
  /** Bearer tokens and the token controller (rbac/tokens.ts). */
  readonly auth: TokenStore;
  /** Cluster DNS, Services, NetworkPolicy and the apps of running containers (network.ts). */
  readonly network: Network;
  /** Hosts under this domain reach the cluster's ingress controller (ingress-controller.ts). */
  readonly ingressBaseDomain: string;
  private readonly replicaSets = new ReplicaSetController();
  private readonly volumeController = new PersistentVolumeController();
  /** Runs on the clock (its sync period), not on writes: see `tick`. */
  private readonly hpa: HpaController;
  /** Volume data on disk (volumes.ts); a temporary directory unless the simulator has a state file. */
  readonly volumes: VolumeDirs;
  private readonly ownsDataDir: boolean;
  private readonly ctx: ControllerContext;
  private reconcileQueued = false;
  private inReconcile = false;
  private lastTick = Date.now();
  private nextLeaseRenewal = 0;

  constructor(
    readonly spec: SimClusterSpec,
    readonly opts: {
      podStartDelayMs: number;
      nodeLeaseRenewMs?: number;
      connectTimeoutMs?: number;
      dataDir?: string;
      /** The HPA controller's sync period, downscale stabilization and tolerance (tests shorten them). */
      hpa?: Partial<HpaOptions>;
    },
    snapshot?: ClusterSnapshot,
  ) {
    this.ownsDataDir = !opts.dataDir;
    this.hpa = new HpaController({ ...DEFAULT_HPA_OPTIONS, ...opts.hpa });
    // Created on first use: most clusters never write a volume.
    this.volumes = new VolumeDirs(opts.dataDir ?? join(tmpdir(), `k8s-sim-${spec.name}-${randomUUID()}`));
    this.version = spec.version ?? "v1.31.2";
    this.metricsApi = spec.metricsApi ?? true;
    this.store = new Store({
      onWrite: () => this.queueReconcile(),
      onRemove: (def, old) => {
        if (def === R.pod) this.kubelet.forgetPod(old);
        // reclaimPolicy Delete: the provisioner deletes the volume's data with the volume.
        if (def === R.pv && old.spec?.persistentVolumeReclaimPolicy === "Delete")
          this.volumes.removePv(old.metadata.name);
      },
    });
    this.events = new EventRecorder(this.store);
    this.kubelet = new Kubelet(this.store, this.events, opts, this.volumes);
    this.registry = new Registry(this.store, this.kubelet);
    this.scheduler = new Scheduler(this.store, this.events, this.kubelet);
    this.ctx = { store: this.store, events: this.events, registry: this.registry, volumes: this.volumes };
    this.network = new Network(
      this.store,
      {
        cni: spec.cni,
        nodeLocalDns: spec.nodeLocalDns,
        connectTimeoutMs: opts.connectTimeoutMs ?? 5000,
      },
      (uid, container) => this.kubelet.appOf(uid, container),
    );
    // Programs in containers reach Services and pods through the network model (DNS, NetworkPolicy).
    this.kubelet.dialer = (from, host, port) => this.network.dial(from.pod, host, port);
    this.ingressBaseDomain = spec.ingressBaseDomain ?? `apps.${spec.name}.localhost`;
    if (snapshot) {
      this.store.restore(snapshot);
      // Events are indexed again for dedupe; pods get kubelet state back.
      this.events.reindex();
      this.kubelet.restore();
    } else bootstrap(this.store);
    // Data of pods and volumes that no longer exist (deleted while the state was not saved, or a
    // fresh start over an old directory) goes.
    this.volumes.prunePods(new Set(this.store.list(R.pod).map((p) => p.metadata.uid)));
    this.volumes.prunePvs(new Set(this.store.list(R.pv).map((v) => v.metadata.name)));
    syncNodes(this.store, spec, this.version);
    // RBAC bootstrap and the token store first: settling the add-ons' pods runs the reconcile loop,
    // whose token controller needs them.
    ensureBootstrapPolicy(this.store);
    ensureNetworkAddons(this.store, spec);
    this.auth = new TokenStore(this.store);
    ensureStorageClasses(this.store, this.registry);
    const addons = ensureAddons(this.store, this.registry);
    if (ensureIngressNginx(this.store, this.registry) || addons) this.settleSystemPods();
    renewNodeLeases(this.store, Date.now(), this.opts.nodeLeaseRenewMs ?? 10_000);
  }

  // ---------------- facade over the store (used by api.ts and simulator.ts) ----------------
  get rv(): number {
    return this.store.rv;
  }
  get objects(): Map<string, Map<string, Obj>> {
    return this.store.objects;
  }
  get history() {
    return this.store.history;
  }
  get watchers() {
    return this.store.watchers;
  }
  get streams() {
    return this.store.streams;
  }
  get pods() {
    return this.kubelet.pods;
  }
  get dirtySinceSave(): boolean {
    return this.store.dirtySinceSave;
  }
  set dirtySinceSave(v: boolean) {
    this.store.dirtySinceSave = v;
  }
  map(def: ResDef): Map<string, Obj> {
    return this.store.map(def);
  }
  get(def: ResDef, ns: string, name: string): Obj | undefined {
    return this.store.get(def, ns, name);
  }
  list(def: ResDef, ns?: string): Obj[] {
    return this.store.list(def, ns);
  }
  oldestHistoryRv(): number {
    return this.store.oldestHistoryRv();
  }
  insert(def: ResDef, obj: Obj): Obj {
    return this.store.insert(def, obj);
  }
  replace(def: ResDef, obj: Obj, old: Obj): Obj {
    return this.store.replace(def, obj, old);
  }
  remove(def: ResDef, ns: string, name: string): Obj | undefined {
    return this.store.remove(def, ns, name);
  }
  mutate(def: ResDef, ns: string, name: string, fn: (o: Obj) => void): Obj | undefined {
    return this.store.mutate(def, ns, name, fn);
  }
  snapshot(): ClusterSnapshot {
    return this.store.snapshot(resKey(R.node));
  }
  closeStreams(): void {
    this.store.closeStreams();
  }

  // ---------------- writes, events, kubelet (same API as before the split) ----------------
  recordEvent(
    def: ResDef,
    obj: Obj,
    type: EventType,
    reason: string,
    message: string,
    component: string,
    opts?: { fieldPath?: string; host?: string },
  ): void {
    this.events.record(def, obj, type, reason, message, component, opts);
  }
  validate(def: ResDef, o: Obj, old?: Obj): void {
    validate(def, o, old);
  }
  quotaUsage(ns: string, hard: Record<string, unknown>): Record<string, number> {
    return quotaUsage(this.store, ns, hard);
  }
  create(def: ResDef, ns: string, body: Obj, opts?: { dryRun?: boolean }): Obj {
    return this.registry.create(def, ns, body, opts);
  }
  update(
    def: ResDef,
    ns: string,
    name: string,
    body: Obj,
    opts?: { subresource?: string; dryRun?: boolean },
  ): Obj {
    return this.registry.update(def, ns, name, body, opts);
  }
  apply(def: ResDef, ns: string, name: string, body: Obj, opts?: { dryRun?: boolean }): Obj {
    return this.registry.apply(def, ns, name, body, opts);
  }
  delete(
    def: ResDef,
    ns: string,
    name: string,
    opts?: { propagationPolicy?: string; dryRun?: boolean; preconditions?: Obj },
  ): Obj {
    return this.registry.delete(def, ns, name, opts);
  }
  appendLog(c: ContainerSim, text: string, at: number): void {
    this.kubelet.appendLog(c, text, at);
  }
  usage(c: ContainerSim): { cpu: number; memory: number } {
    return this.kubelet.usage(c);
  }
  /** A pod's usage summed over its running containers, or undefined (no running container: no metrics). */
  podUsage(pod: Obj): { cpu: number; memory: number } | undefined {
    const running = this.kubelet.pods.get(pod.metadata.uid)?.containers.filter((c) => c.state === "running");
    if (!running?.length) return undefined;
    return running.reduce(
      (a, c) => {
        const u = this.kubelet.usage(c);
        return { cpu: a.cpu + u.cpu, memory: a.memory + u.memory };
      },
      { cpu: 0, memory: 0 },
    );
  }

  /**
   * The cluster was up before the simulator started: its system pods are already Running, and the
   * events of their start expired long ago (no burst of starts and events when many clusters start).
   */
  private settleSystemPods(): void {
    const now = Date.now();
    this.events.muted = true;
    try {
      this.reconcile(now);
      for (const ns of ["kube-system", INGRESS_NAMESPACE])
        for (const p of this.store.list(R.pod, ns)) this.kubelet.runAtOnce(p, now);
      this.reconcile(now);
    } finally {
      this.events.muted = false;
    }
    // Nobody watches yet: the history of that start-up is nothing a client could resume from.
    this.store.history.splice(0);
  }

  /** Stops the containers' programs (closing their files) and drops a temporary volume directory. */
  async shutdown(): Promise<void> {
    await this.kubelet.stopApps();
    if (this.ownsDataDir) rmSync(this.volumes.root, { recursive: true, force: true });
  }

  // ---------------- reconcile loop ----------------
  private queueReconcile(): void {
    if (this.reconcileQueued || this.inReconcile) return;
    this.reconcileQueued = true;
    setImmediate(() => {
      this.reconcileQueued = false;
      this.reconcile(Date.now());
    });
  }

  tick(now: number): void {
    const dt = Math.min(5000, now - this.lastTick);
    this.lastTick = now;
    if (now >= this.nextLeaseRenewal) {
      const every = this.opts.nodeLeaseRenewMs ?? 10_000;
      renewNodeLeases(this.store, now, every);
      this.nextLeaseRenewal = now + Math.min(every, 1000);
    }
    if (this.kubelet.pods.size) this.kubelet.tick(now, dt);
    // The HPA reads pod usage as the metrics API reports it (api.ts `metrics`): running containers only.
    this.hpa.sync(this.ctx, now, this.metricsApi ? (pod) => this.podUsage(pod) : undefined);
    // Running pods alone need no reconcile: only writes, due transitions, unscheduled pods and back-offs.
    if (this.store.dirty || this.replicaSets.backoff.size || this.kubelet.hasWork(now)) this.reconcile(now);
  }

  /** Runs every controller in order until nothing changes (at most 5 rounds). */
  reconcile(now: number): void {
    if (this.inReconcile) return;
    this.inReconcile = true;
    try {
      for (let i = 0; i < 5; i++) {
        this.store.dirty = false;
        namespaceController(this.ctx);
        deploymentController(this.ctx);
        this.replicaSets.sync(this.ctx, now);
        this.volumeController.sync(this.ctx);
        this.scheduler.schedule(now);
        this.kubelet.transitions(now);
        const podsByOwner = activePodsByOwner(this.store);
        replicaSetStatus(this.ctx, podsByOwner);
        deploymentStatus(this.ctx, podsByOwner);
        endpointsController(this.ctx);
        serviceLoadBalancerController(this.ctx, this.spec.loadBalancer ?? false);
        ingressStatusController(this.ctx);
        resourceQuotaStatus(this.ctx);
        this.auth.syncSecrets();
        if (!this.store.dirty) break;
      }
    } finally {
      this.inReconcile = false;
    }
  }
}
