// Scheduler: binds pending pods to nodes. Filters (unschedulable, not-ready, taints/tolerations,
// nodeSelector/required node affinity, pods/cpu/memory/GPU/ephemeral-storage fit), least-allocated
// scoring, and the "0/N nodes are available" FailedScheduling message of kube-scheduler (taints:
// pkg/scheduler/framework/plugins/tainttoleration; only NoSchedule and NoExecute filter, a toleration
// with an empty effect matches every effect, Exists with an empty key tolerates every taint). Binding
// hands the pod to the kubelet (container state machines start pulling).
import { SELECTED_NODE } from "./controllers/persistentvolume";
import type { EventRecorder } from "./events";
import type { Kubelet } from "./kubelet";
import { GPU, isTerminal, podRequests, qosClass } from "./pods";
import { R } from "./resources";
import type { Store } from "./store";
import { matchLabels, nowIso, type Obj, parseQuantity, selectorObjToReqs } from "./util";
import type { PodSim } from "./workload";

const STORAGE = "ephemeral-storage";

export class Scheduler {
  constructor(
    private readonly store: Store,
    private readonly events: EventRecorder,
    private readonly kubelet: Kubelet,
  ) {}

  private nodeUsage(): Map<
    string,
    { cpu: number; memory: number; gpu: number; storage: number; pods: number }
  > {
    const u = new Map<string, { cpu: number; memory: number; gpu: number; storage: number; pods: number }>();
    for (const p of this.store.list(R.pod)) {
      const n = p.spec.nodeName;
      if (!n || isTerminal(p)) continue;
      const cur = u.get(n) ?? { cpu: 0, memory: 0, gpu: 0, storage: 0, pods: 0 };
      const rq = podRequests(p);
      cur.cpu += rq.cpu;
      cur.memory += rq.memory;
      cur.gpu += rq.gpu;
      cur.storage += rq.requests[STORAGE] ?? 0;
      cur.pods += 1;
      u.set(n, cur);
    }
    return u;
  }

  schedule(now: number): void {
    const pending = this.store.list(R.pod).filter((p) => !p.spec.nodeName && !isTerminal(p));
    if (!pending.length) return;
    const nodes = this.store.list(R.node);
    const usage = this.nodeUsage();
    for (const pod of pending) {
      const sim = this.kubelet.pods.get(pod.metadata.uid);
      if (!sim) continue;
      const volumes = podVolumes(this.store, pod);
      if ("error" in volumes) {
        const n = nodes.length;
        this.unschedulable(
          pod,
          sim,
          `0/${n} nodes are available: ${volumes.error}. preemption: 0/${n} nodes are available: ${n} Preemption is not helpful for scheduling.`,
          now,
        );
        continue;
      }
      const rq = podRequests(pod);
      const reasons = new Map<string, number>();
      const bump = (r: string) => reasons.set(r, (reasons.get(r) ?? 0) + 1);
      const fits: Obj[] = [];
      for (const node of nodes) {
        const readyCond = (node.status?.conditions ?? []).find((c: Obj) => c.type === "Ready");
        if (node.spec?.unschedulable) {
          bump("node(s) were unschedulable");
          continue;
        }
        if (readyCond?.status !== "True") {
          bump("node(s) had untolerated taint {node.kubernetes.io/not-ready: }");
          continue;
        }
        const untolerated = (node.spec?.taints ?? []).find(
          (t: Obj) =>
            (t.effect === "NoSchedule" || t.effect === "NoExecute") &&
            !(pod.spec.tolerations ?? []).some((tol: Obj) => tolerates(tol, t)),
        );
        if (untolerated) {
          bump(`node(s) had untolerated taint {${untolerated.key}: ${untolerated.value ?? ""}}`);
          continue;
        }
        if (!nodeSelectorMatches(pod, node)) {
          bump("node(s) didn't match Pod's node affinity/selector");
          continue;
        }
        const labels = node.metadata.labels ?? {};
        if (
          volumes.bound.some((pv) => !termsMatch(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms, labels))
        ) {
          bump("node(s) had volume node affinity conflict");
          continue;
        }
        const alloc = node.status?.allocatable ?? {};
        const used = usage.get(node.metadata.name) ?? { cpu: 0, memory: 0, gpu: 0, storage: 0, pods: 0 };
        let ok = true;
        if (used.pods + 1 > parseQuantity(alloc.pods ?? "110")) {
          bump("Too many pods");
          ok = false;
        }
        if (rq.cpu > 0 && used.cpu + rq.cpu > parseQuantity(alloc.cpu ?? "0") + 1e-9) {
          bump("Insufficient cpu");
          ok = false;
        }
        if (rq.memory > 0 && used.memory + rq.memory > parseQuantity(alloc.memory ?? "0")) {
          bump("Insufficient memory");
          ok = false;
        }
        if (rq.gpu > 0 && used.gpu + rq.gpu > parseQuantity(alloc[GPU] ?? "0")) {
          bump(`Insufficient ${GPU}`);
          ok = false;
        }
        const storage = rq.requests[STORAGE] ?? 0;
        if (storage > 0 && used.storage + storage > parseQuantity(alloc[STORAGE] ?? "0")) {
          bump(`Insufficient ${STORAGE}`);
          ok = false;
        }
        if (ok) fits.push(node);
      }
      if (fits.length) {
        // least-allocated scoring: most free cpu fraction
        const score = (n: Obj) => {
          const u = usage.get(n.metadata.name) ?? { cpu: 0, memory: 0, gpu: 0, storage: 0, pods: 0 };
          const a = n.status.allocatable;
          const gpuPenalty = rq.gpu === 0 && parseQuantity(a[GPU] ?? "0") > 0 ? 1 : 0; // keep GPU nodes for GPU pods
          return (
            (1 -
              (u.cpu + rq.cpu) / Math.max(parseQuantity(a.cpu), 1e-9) +
              (1 - (u.memory + rq.memory) / Math.max(parseQuantity(a.memory), 1))) /
              2 -
            gpuPenalty
          );
        };
        fits.sort((a, b) => score(b) - score(a));
        const node = fits[0]!;
        if (volumes.delayed.length) {
          // VolumeBinding PreBind: the claims waiting for their first consumer learn the node; the
          // pod binds once the PV controller has provisioned and bound them (a later round).
          for (const pvc of volumes.delayed)
            this.store.mutate(R.pvc, pvc.metadata.namespace, pvc.metadata.name, (x) => {
              x.metadata.annotations = {
                ...(x.metadata.annotations ?? {}),
                [SELECTED_NODE]: node.metadata.name,
              };
            });
          continue;
        }
        const u = usage.get(node.metadata.name) ?? { cpu: 0, memory: 0, gpu: 0, storage: 0, pods: 0 };
        u.cpu += rq.cpu;
        u.memory += rq.memory;
        u.gpu += rq.gpu;
        u.storage += rq.requests[STORAGE] ?? 0;
        u.pods += 1;
        usage.set(node.metadata.name, u);
        this.bind(pod, node, now);
      } else {
        const detail = [...reasons.entries()]
          .sort((a, b) => (a[0] < b[0] ? -1 : 1))
          .map(([r, n]) => `${n} ${r}`)
          .join(", ");
        const msg = `0/${nodes.length} nodes are available: ${detail || "no nodes available to schedule pods"}.${nodes.length ? ` preemption: 0/${nodes.length} nodes are available: ${nodes.length} No preemption victims found for incoming pod.` : ""}`;
        this.unschedulable(pod, sim, msg, now);
      }
    }
  }

  /** PodScheduled=False with the message, and a FailedScheduling event (again after 30 s). */
  private unschedulable(pod: Obj, sim: PodSim, msg: string, now: number): void {
    if (sim.schedMsg === msg && now - sim.schedAt < 30_000) return;
    sim.schedMsg = msg;
    sim.schedAt = now;
    const updated = this.store.mutate(R.pod, pod.metadata.namespace, pod.metadata.name, (x) => {
      x.status.conditions = [
        {
          type: "PodScheduled",
          status: "False",
          lastProbeTime: null,
          lastTransitionTime: x.status.conditions?.[0]?.lastTransitionTime ?? nowIso(),
          reason: "Unschedulable",
          message: msg,
        },
      ];
    });
    this.events.record(R.pod, updated ?? pod, "Warning", "FailedScheduling", msg, "default-scheduler");
  }

  private bind(pod: Obj, node: Obj, now: number): void {
    const sim = this.kubelet.pods.get(pod.metadata.uid);
    if (!sim) return;
    const hostIP = (node.status.addresses ?? []).find((a: Obj) => a.type === "InternalIP")?.address;
    const cidr: string = node.spec?.podCIDR ?? "10.244.0.0/24";
    const podIP = `${cidr.split(".").slice(0, 3).join(".")}.${2 + (this.store.ipCounter++ % 250)}`;
    const t = nowIso();
    const bound = this.store.mutate(R.pod, pod.metadata.namespace, pod.metadata.name, (x) => {
      x.spec.nodeName = node.metadata.name;
      x.status = {
        phase: "Pending",
        conditions: [
          { type: "PodReadyToStartContainers", status: "False", lastProbeTime: null, lastTransitionTime: t },
          { type: "Initialized", status: "True", lastProbeTime: null, lastTransitionTime: t },
          {
            type: "Ready",
            status: "False",
            lastProbeTime: null,
            lastTransitionTime: t,
            reason: "ContainersNotReady",
            message: `containers with unready status: [${sim.containers.map((c) => c.name).join(" ")}]`,
          },
          {
            type: "ContainersReady",
            status: "False",
            lastProbeTime: null,
            lastTransitionTime: t,
            reason: "ContainersNotReady",
            message: `containers with unready status: [${sim.containers.map((c) => c.name).join(" ")}]`,
          },
          { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: t },
        ],
        hostIP,
        hostIPs: hostIP ? [{ ip: hostIP }] : [],
        podIP,
        podIPs: [{ ip: podIP }],
        startTime: t,
        containerStatuses: sim.containers.map((c) => ({
          name: c.name,
          state: { waiting: { reason: "ContainerCreating" } },
          lastState: {},
          ready: false,
          restartCount: 0,
          image: c.image,
          imageID: "",
          started: false,
        })),
        qosClass: qosClass(x),
      };
    });
    sim.node = node.metadata.name;
    sim.scheduledAt = now;
    const delay = this.kubelet.startDelay();
    for (const c of sim.containers) {
      c.state = "pulling";
      c.nextAt = now + delay * 0.6;
      c.startAt = now + delay;
    }
    const p = bound ?? pod;
    this.events.record(
      R.pod,
      p,
      "Normal",
      "Scheduled",
      `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node.metadata.name}`,
      "default-scheduler",
    );
    for (const c of sim.containers)
      this.events.record(R.pod, p, "Normal", "Pulling", `Pulling image "${c.specImage}"`, "kubelet", {
        fieldPath: `spec.containers{${c.name}}`,
        host: node.metadata.name,
      });
  }
}

function tolerates(tol: Obj, taint: Obj): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.operator === "Exists") return !tol.key || tol.key === taint.key;
  return tol.key === taint.key && (tol.value ?? "") === (taint.value ?? "");
}

function nodeSelectorMatches(pod: Obj, node: Obj): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  return termsMatch(
    pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms,
    labels,
  );
}

/**
 * What the VolumeBinding plugin's PreFilter finds for a pod's claims: the reason it cannot be placed
 * (pkg/scheduler/framework/plugins/volumebinding: `persistentvolumeclaim "x" not found`, `... is
 * being deleted`, ErrReasonBindConflict "pod has unbound immediate PersistentVolumeClaims"), or the
 * bound volumes (their node affinity filters nodes) and the claims waiting for their first consumer.
 */
function podVolumes(store: Store, pod: Obj): { error: string } | { bound: Obj[]; delayed: Obj[] } {
  const bound: Obj[] = [];
  const delayed: Obj[] = [];
  for (const v of pod.spec.volumes ?? []) {
    const claimName = v.persistentVolumeClaim?.claimName;
    if (!claimName) continue;
    const pvc = store.get(R.pvc, pod.metadata.namespace, claimName);
    if (!pvc) return { error: `persistentvolumeclaim "${claimName}" not found` };
    if (pvc.metadata.deletionTimestamp)
      return { error: `persistentvolumeclaim "${claimName}" is being deleted` };
    const pv = pvc.spec?.volumeName ? store.get(R.pv, "", pvc.spec.volumeName) : undefined;
    if (pv && pvc.status?.phase === "Bound") {
      bound.push(pv);
      continue;
    }
    const className: string = pvc.spec?.storageClassName ?? "";
    const sc = className ? store.get(R.sc, "", className) : undefined;
    if (className && !sc) return { error: `storageclass.storage.k8s.io "${className}" not found` };
    if (sc?.volumeBindingMode === "WaitForFirstConsumer" && !pvc.spec?.volumeName) delayed.push(pvc);
    else return { error: "pod has unbound immediate PersistentVolumeClaims" };
  }
  return { bound, delayed };
}

/** Required node selector terms (ORed; expressions ANDed, with Gt/Lt); none: every node. */
function termsMatch(terms: Obj[] | undefined, labels: Record<string, string>): boolean {
  if (terms?.length) {
    return terms.some((t) => {
      const exprs = (t.matchExpressions ?? []).map((e: Obj) => ({
        ...e,
        operator: e.operator === "DoesNotExist" ? "DoesNotExist" : e.operator,
      }));
      const gtLt = exprs.filter((e: Obj) => e.operator === "Gt" || e.operator === "Lt");
      for (const e of gtLt) {
        const v = Number(labels[e.key]);
        const ref = Number(e.values?.[0]);
        if (Number.isNaN(v) || (e.operator === "Gt" ? !(v > ref) : !(v < ref))) return false;
      }
      return matchLabels(
        selectorObjToReqs({
          matchExpressions: exprs.filter((e: Obj) => e.operator !== "Gt" && e.operator !== "Lt"),
        }),
        labels,
      );
    });
  }
  return true;
}
