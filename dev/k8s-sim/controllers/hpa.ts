// HorizontalPodAutoscaler controller (autoscaling/v2), after kube-controller-manager's
// pkg/controller/podautoscaler (horizontal.go, replica_calculator.go) and the documented algorithm
// (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details):
// - every sync period (15 s by default, --horizontal-pod-autoscaler-sync-period) each HPA reads its
//   target's scale and the usage of the target's pods, as the resource metrics API reports it;
// - per Resource metric with a Utilization target: utilization = Σ usage ÷ Σ requests of the pods
//   with metrics (for CPU only ready pods count), ratio = utilization ÷ target; within the tolerance
//   (0.1) nothing changes, else desired = ceil(ratio × pods with metrics). Pods without metrics count as
//   0 % when scaling up and 100 % of the target when scaling down (the "rebalance" that keeps a
//   starting pod from making the HPA overshoot), and the ratio is computed again with them;
// - the largest desired count over the metrics wins; then the behavior: scale-down stabilization (the
//   highest recommendation of the window, 300 s by default), the rate policies (default: up by 100 % or
//   4 pods per 15 s, whichever is more; down by 100 % per 15 s), and the min/max clamp;
// - status (currentReplicas, desiredReplicas, currentMetrics, lastScaleTime) and the conditions
//   AbleToScale, ScalingActive, ScalingLimited with the reasons and messages kube-controller-manager
//   writes; a rescale records SuccessfulRescale "New size: N; reason: …".
// Only scale targets of kind Deployment (apps/v1) are served: the only kind KubeBid autoscales.

import { R } from "../resources";
import { matchLabels, nowIso, type Obj, parseQuantity, selectorObjToReqs } from "../util";
import type { ControllerContext } from "./context";
import { isPodReady } from "./owner-refs";

/** Usage of a pod's running containers (cores, bytes) as the metrics API reports it, or undefined. */
export type PodUsage = (pod: Obj) => { cpu: number; memory: number } | undefined;

export interface HpaOptions {
  /** --horizontal-pod-autoscaler-sync-period (15 s). */
  syncPeriodMs: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization (300 s): the window when an HPA sets none. */
  downscaleStabilizationMs: number;
  /** --horizontal-pod-autoscaler-tolerance (0.1). */
  tolerance: number;
}

export const DEFAULT_HPA_OPTIONS: HpaOptions = {
  syncPeriodMs: 15_000,
  downscaleStabilizationMs: 300_000,
  tolerance: 0.1,
};

interface Policy {
  type: "Pods" | "Percent";
  value: number;
  periodSeconds: number;
}
interface Rules {
  stabilizationWindowSeconds: number;
  selectPolicy: "Max" | "Min" | "Disabled";
  policies: Policy[];
}

/** kube-apiserver's defaults for spec.behavior (pkg/apis/autoscaling/v2/defaults.go). */
function rulesOf(spec: Obj, dir: "scaleUp" | "scaleDown", defaultDownWindowS: number): Rules {
  const r = spec.behavior?.[dir] ?? {};
  const up = dir === "scaleUp";
  return {
    stabilizationWindowSeconds: r.stabilizationWindowSeconds ?? (up ? 0 : defaultDownWindowS),
    selectPolicy: r.selectPolicy ?? "Max",
    policies: r.policies?.length
      ? r.policies
      : up
        ? [
            { type: "Pods", value: 4, periodSeconds: 15 },
            { type: "Percent", value: 100, periodSeconds: 15 },
          ]
        : [{ type: "Percent", value: 100, periodSeconds: 15 }],
  };
}

interface MetricResult {
  name: "cpu" | "memory";
  replicas: number;
  utilization: number;
  averageValue: number;
}

interface HpaMemory {
  nextSyncAt: number;
  recommendations: { at: number; replicas: number }[];
  scaleUps: { at: number; change: number }[];
  scaleDowns: { at: number; change: number }[];
}

const METRIC_TEXT = (name: string) => `${name} resource utilization (percentage of request)`;

export class HpaController {
  private readonly memory = new Map<string, HpaMemory>();

  constructor(private readonly opts: HpaOptions = DEFAULT_HPA_OPTIONS) {}

  /** Syncs every HPA whose period is due. `usage` undefined: the cluster has no metrics API. */
  sync(ctx: ControllerContext, now: number, usage: PodUsage | undefined): void {
    const live = new Set<string>();
    for (const hpa of ctx.store.list(R.hpa)) {
      const uid = hpa.metadata.uid as string;
      live.add(uid);
      let mem = this.memory.get(uid);
      if (!mem) {
        mem = { nextSyncAt: now, recommendations: [], scaleUps: [], scaleDowns: [] };
        this.memory.set(uid, mem);
      }
      if (now < mem.nextSyncAt) continue;
      mem.nextSyncAt = now + this.opts.syncPeriodMs;
      this.syncOne(ctx, hpa, mem, now, usage);
    }
    for (const uid of this.memory.keys()) if (!live.has(uid)) this.memory.delete(uid);
  }

  private syncOne(
    ctx: ControllerContext,
    hpa: Obj,
    mem: HpaMemory,
    now: number,
    usage: PodUsage | undefined,
  ) {
    const ns = hpa.metadata.namespace as string;
    const spec = hpa.spec ?? {};
    const ref = spec.scaleTargetRef ?? {};
    const conditions: Obj[] = [];
    const cond = (type: string, status: "True" | "False", reason: string, message: string) =>
      conditions.push({ type, status, reason, message });
    const target =
      ref.kind === "Deployment" && (ref.apiVersion ?? "apps/v1").startsWith("apps/")
        ? ctx.store.get(R.deploy, ns, ref.name)
        : undefined;
    if (!target) {
      const why =
        ref.kind === "Deployment"
          ? `deployments/scale.apps "${ref.name}" not found`
          : `no matches for kind "${ref.kind}"`;
      cond(
        "AbleToScale",
        "False",
        "FailedGetScale",
        `the HPA controller was unable to get the target's current scale: ${why}`,
      );
      this.warn(ctx, hpa, "FailedGetScale", why);
      this.writeStatus(ctx, hpa, { conditions });
      return;
    }
    const current = target.spec?.replicas ?? 1;
    const min = spec.minReplicas ?? 1;
    const max = spec.maxReplicas as number;
    if (current === 0 && min !== 0) {
      cond(
        "AbleToScale",
        "True",
        "SucceededGetScale",
        "the HPA controller was able to get the target's current scale",
      );
      cond(
        "ScalingActive",
        "False",
        "ScalingDisabled",
        "scaling is disabled since the replica count of the target is zero",
      );
      this.writeStatus(ctx, hpa, { currentReplicas: 0, desiredReplicas: 0, conditions });
      return;
    }
    const computed = this.computeReplicas(ctx, hpa, target, current, usage);
    if ("error" in computed) {
      cond(
        "AbleToScale",
        "True",
        "SucceededGetScale",
        "the HPA controller was able to get the target's current scale",
      );
      cond("ScalingActive", "False", "FailedGetResourceMetric", computed.error);
      this.warn(ctx, hpa, "FailedGetResourceMetric", computed.error);
      this.warn(
        ctx,
        hpa,
        "FailedComputeMetricsReplicas",
        `invalid metrics (${computed.count} invalid out of ${computed.count}), first error is: failed to get ${computed.metric} resource metric value: ${computed.error}`,
      );
      this.writeStatus(ctx, hpa, { currentReplicas: current, desiredReplicas: current, conditions });
      return;
    }
    const currentMetrics = computed.results.map((m) => ({
      type: "Resource",
      resource: {
        name: m.name,
        current: { averageUtilization: m.utilization, averageValue: formatAverage(m.name, m.averageValue) },
      },
    }));
    const best = computed.results.reduce((a, b) => (b.replicas > a.replicas ? b : a));
    const proposed = best.replicas;
    let reasonText =
      proposed > current ? `${METRIC_TEXT(best.name)} above target` : "All metrics below target";
    const activeMessage = `the HPA was able to successfully calculate a replica count from ${METRIC_TEXT(best.name)}`;

    // Behavior: stabilization, then rate limits, then min/max (normalizeDesiredReplicasWithBehaviors).
    const up = rulesOf(spec, "scaleUp", this.opts.downscaleStabilizationMs / 1000);
    const down = rulesOf(spec, "scaleDown", this.opts.downscaleStabilizationMs / 1000);
    let upRec = proposed;
    let downRec = proposed;
    for (const r of mem.recommendations) {
      if (r.at > now - up.stabilizationWindowSeconds * 1000) upRec = Math.min(upRec, r.replicas);
      if (r.at > now - down.stabilizationWindowSeconds * 1000) downRec = Math.max(downRec, r.replicas);
    }
    let stabilized = current;
    if (stabilized < upRec) stabilized = upRec;
    if (stabilized > downRec) stabilized = downRec;
    mem.recommendations.push({ at: now, replicas: proposed });
    const longest = Math.max(up.stabilizationWindowSeconds, down.stabilizationWindowSeconds) * 1000;
    mem.recommendations = mem.recommendations.filter((r) => r.at > now - longest);
    let ableReason = "ReadyForNewScale";
    let ableMessage = "recommended size matches current size";
    if (stabilized !== proposed) {
      ableReason = "ScaleDownStabilized";
      ableMessage =
        "recent recommendations were higher than current one, applying the highest recent recommendation";
      if (stabilized < proposed) {
        ableReason = "ScaleUpStabilized";
        ableMessage =
          "recent recommendations were lower than current one, applying the lowest recent recommendation";
      }
    }
    let desired = stabilized;
    let limitedReason = "DesiredWithinRange";
    let limitedMessage = "the desired count is within the acceptable range";
    if (stabilized > current) {
      const limit = rateLimit(up, mem.scaleUps, current, now, "up");
      const maxLimit = Math.min(limit, max);
      if (stabilized > maxLimit) {
        desired = maxLimit;
        [limitedReason, limitedMessage] =
          maxLimit === max
            ? ["TooManyReplicas", "the desired replica count is more than the maximum replica count"]
            : ["ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate"];
      }
      if (desired < min) {
        desired = min;
        [limitedReason, limitedMessage] = [
          "TooFewReplicas",
          "the desired replica count is less than the minimum replica count",
        ];
      }
    } else if (stabilized < current) {
      const limit = rateLimit(down, mem.scaleDowns, current, now, "down");
      const minLimit = Math.max(limit, min);
      if (stabilized < minLimit) {
        desired = minLimit;
        [limitedReason, limitedMessage] =
          minLimit === min
            ? ["TooFewReplicas", "the desired replica count is less than the minimum replica count"]
            : [
                "ScaleDownLimit",
                "the desired replica count is decreasing faster than the maximum scale rate",
              ];
      }
      if (desired > max) {
        desired = max;
        [limitedReason, limitedMessage] = [
          "TooManyReplicas",
          "the desired replica count is more than the maximum replica count",
        ];
      }
    } else if (current > max || current < min) {
      desired = Math.min(max, Math.max(min, current));
      [limitedReason, limitedMessage] =
        current > max
          ? ["TooManyReplicas", "the desired replica count is more than the maximum replica count"]
          : ["TooFewReplicas", "the desired replica count is less than the minimum replica count"];
    }
    if (current > max) reasonText = "Current number of replicas above Spec.MaxReplicas";
    else if (current < min) reasonText = "Current number of replicas below Spec.MinReplicas";

    let lastScaleTime = hpa.status?.lastScaleTime;
    if (desired !== current) {
      try {
        const next = structuredClone(target);
        next.spec.replicas = desired;
        ctx.registry.update(R.deploy, ns, target.metadata.name, next);
      } catch (e) {
        const msg = `the HPA controller was unable to update the target scale: ${(e as Error).message}`;
        cond("AbleToScale", "False", "FailedUpdateScale", msg);
        this.warn(
          ctx,
          hpa,
          "FailedRescale",
          `New size: ${desired}; reason: ${reasonText}; error: ${(e as Error).message}`,
        );
        this.writeStatus(ctx, hpa, {
          currentReplicas: current,
          desiredReplicas: current,
          currentMetrics,
          conditions,
        });
        return;
      }
      (desired > current ? mem.scaleUps : mem.scaleDowns).push({
        at: now,
        change: Math.abs(desired - current),
      });
      ableReason = "SucceededRescale";
      ableMessage = `the HPA controller was able to update the target scale to ${desired}`;
      lastScaleTime = nowIso();
      ctx.events.record(
        R.hpa,
        hpa,
        "Normal",
        "SuccessfulRescale",
        `New size: ${desired}; reason: ${reasonText}`,
        "horizontal-pod-autoscaler",
      );
    }
    cond("AbleToScale", "True", ableReason, ableMessage);
    cond("ScalingActive", "True", "ValidMetricFound", activeMessage);
    cond(
      "ScalingLimited",
      limitedReason === "DesiredWithinRange" ? "False" : "True",
      limitedReason,
      limitedMessage,
    );
    this.writeStatus(ctx, hpa, {
      currentReplicas: current,
      desiredReplicas: desired,
      currentMetrics,
      conditions,
      ...(lastScaleTime ? { lastScaleTime } : {}),
    });
  }

  /** replica_calculator.go GetResourceReplicas, per metric. */
  private computeReplicas(
    ctx: ControllerContext,
    hpa: Obj,
    target: Obj,
    current: number,
    usage: PodUsage | undefined,
  ): { results: MetricResult[] } | { error: string; metric: string; count: number } {
    const metrics: Obj[] = hpa.spec?.metrics?.length
      ? hpa.spec.metrics
      : // No metrics: kube-apiserver's default is 80 % CPU.
        [
          {
            type: "Resource",
            resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
          },
        ];
    const selector = selectorObjToReqs(target.spec?.selector);
    const pods = ctx.store
      .list(R.pod, target.metadata.namespace)
      .filter(
        (p) =>
          matchLabels(selector, p.metadata.labels) &&
          !p.metadata.deletionTimestamp &&
          p.status?.phase !== "Failed" &&
          p.status?.phase !== "Succeeded",
      );
    const results: MetricResult[] = [];
    for (const m of metrics) {
      const name: unknown = m.resource?.name;
      const targetUtil = m.resource?.target?.averageUtilization;
      if (m.type !== "Resource" || (name !== "cpu" && name !== "memory") || targetUtil === undefined)
        return {
          error: `the simulator's HPA controller serves Resource cpu/memory Utilization metrics only`,
          metric: String(name),
          count: metrics.length,
        };
      if (!usage)
        return {
          error: `unable to get metrics for resource ${name}: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)`,
          metric: name,
          count: metrics.length,
        };
      if (!pods.length)
        return {
          error: `unable to get metrics for resource ${name}: no metrics returned from resource metrics API`,
          metric: name,
          count: metrics.length,
        };
      const requestOf = (p: Obj): number =>
        (p.spec?.containers ?? []).reduce((n: number, c: Obj) => {
          const r = c.resources?.requests?.[name];
          return r === undefined ? Number.NaN : n + parseQuantity(r);
        }, 0);
      const withMetrics: { usage: number; request: number }[] = [];
      const missing: number[] = [];
      const ignored: number[] = [];
      for (const p of pods) {
        const request = requestOf(p);
        if (Number.isNaN(request)) {
          const c = (p.spec?.containers ?? []).find((x: Obj) => x.resources?.requests?.[name] === undefined);
          return {
            error: `failed to get ${name} utilization: missing request for ${name} in container ${c?.name} of Pod ${p.metadata.name}`,
            metric: name,
            count: metrics.length,
          };
        }
        const u = p.status?.phase === "Running" ? usage(p) : undefined;
        // The CPU of a pod that is not ready yet is not trusted (it may be starting up); its memory is.
        if (name === "cpu" && u && !isPodReady(p)) ignored.push(request);
        else if (!u) missing.push(request);
        else withMetrics.push({ usage: u[name], request });
      }
      if (!withMetrics.length)
        return {
          error: `unable to get metrics for resource ${name}: no metrics returned from resource metrics API`,
          metric: name,
          count: metrics.length,
        };
      const sum = (xs: { usage: number; request: number }[]) =>
        xs.reduce((a, x) => ({ usage: a.usage + x.usage, request: a.request + x.request }), {
          usage: 0,
          request: 0,
        });
      const measured = sum(withMetrics);
      const utilization = Math.floor((measured.usage * 100) / measured.request);
      const ratio = utilization / targetUtil;
      const within = (r: number) => Math.abs(r - 1) <= this.opts.tolerance;
      const rebalanceIgnored = ignored.length > 0 && ratio > 1;
      let replicas: number;
      if (!rebalanceIgnored && !missing.length)
        replicas = within(ratio) ? current : Math.ceil(ratio * withMetrics.length);
      else {
        // Scaling down, pods without metrics count at 100 % of their request (or the target, if
        // higher); scaling up, at 0 %; unready pods count at 0 % when scaling up, else not at all.
        const all = [...withMetrics];
        const fallback = ratio < 1 ? Math.max(100, targetUtil) / 100 : 0;
        if (ratio !== 1) for (const request of missing) all.push({ usage: request * fallback, request });
        if (rebalanceIgnored) for (const request of ignored) all.push({ usage: 0, request });
        const total = sum(all);
        const newRatio = (total.usage * 100) / total.request / targetUtil;
        replicas = Math.ceil(newRatio * all.length);
        if (within(newRatio) || ratio < 1 !== newRatio < 1) replicas = current;
        else if ((newRatio < 1 && replicas > current) || (newRatio > 1 && replicas < current))
          replicas = current;
      }
      results.push({ name, replicas, utilization, averageValue: measured.usage / withMetrics.length });
    }
    return { results };
  }

  private warn(ctx: ControllerContext, hpa: Obj, reason: string, message: string) {
    ctx.events.record(R.hpa, hpa, "Warning", reason, message, "horizontal-pod-autoscaler");
  }

  private writeStatus(ctx: ControllerContext, hpa: Obj, status: Obj) {
    const ns = hpa.metadata.namespace;
    const old = hpa.status ?? {};
    const stamp = nowIso();
    const conditions = (status.conditions as Obj[]).map((c) => {
      const was = (old.conditions ?? []).find((x: Obj) => x.type === c.type);
      return { ...c, lastTransitionTime: was && was.status === c.status ? was.lastTransitionTime : stamp };
    });
    const next = {
      currentReplicas: status.currentReplicas ?? old.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? old.desiredReplicas ?? 0,
      ...(status.currentMetrics?.length ? { currentMetrics: status.currentMetrics } : {}),
      ...(status.lastScaleTime ? { lastScaleTime: status.lastScaleTime } : {}),
      conditions,
      observedGeneration: hpa.metadata.generation,
    };
    if (JSON.stringify(next) === JSON.stringify(old)) return;
    ctx.store.mutate(R.hpa, ns, hpa.metadata.name, (x) => {
      x.status = next;
    });
  }
}

/** The furthest the replicas may move now under a direction's policies (replica_calculator's rate limits). */
function rateLimit(
  rules: Rules,
  events: { at: number; change: number }[],
  current: number,
  now: number,
  dir: "up" | "down",
): number {
  if (rules.selectPolicy === "Disabled") return current;
  const longest = Math.max(...rules.policies.map((p) => p.periodSeconds)) * 1000;
  const kept = events.filter((e) => e.at > now - longest);
  events.splice(0, events.length, ...kept);
  const limits = rules.policies.map((p) => {
    const changed = kept.filter((e) => e.at > now - p.periodSeconds * 1000).reduce((n, e) => n + e.change, 0);
    const start = dir === "up" ? current - changed : current + changed;
    if (dir === "up") return p.type === "Pods" ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    return p.type === "Pods" ? start - p.value : Math.ceil(start * (1 - p.value / 100));
  });
  // "Max" allows the biggest change: the highest limit scaling up, the lowest scaling down.
  const pickMax = (rules.selectPolicy === "Max") === (dir === "up");
  return pickMax ? Math.max(...limits) : Math.min(...limits);
}

/** The average usage as the HPA status writes it: CPU in millicores ("63m"), memory in bytes ("134217728"). */
function formatAverage(name: "cpu" | "memory", v: number): string {
  return name === "cpu" ? `${Math.round(v * 1000)}m` : String(Math.round(v));
}
