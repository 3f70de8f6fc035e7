import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { ClusterState } from "../cluster";
import { R } from "../resources";
import type { Obj } from "../util";
import type { ControllerContext } from "./context";
import { HpaController, type PodUsage } from "./hpa";
import { isPodReady } from "./owner-refs";

// The HPA controller on a real cluster state (admission, deployment and replica set controllers,
// scheduler, kubelet), on a clock of its own: each test drives time and sets what the metrics API
// reports for the target's pods (CPU in cores per pod, against a 100m request).

const states: ClusterState[] = [];
afterAll(async () => {
  for (const s of states) await s.shutdown();
});

let st: ClusterState;
let ctx: ControllerContext;
let now: number;
let cpuPerPod: number;
const usage: PodUsage = () => ({ cpu: cpuPerPod, memory: 64 * 1024 * 1024 });

beforeEach(() => {
  st = new ClusterState(
    { name: "hpa", nodes: [{ name: "n1", cpu: "32", memory: "128Gi" }] },
    { podStartDelayMs: 10 },
  );
  states.push(st);
  ctx = { store: st.store, events: st.events, registry: st.registry, volumes: st.volumes };
  now = Date.now();
  st.create(R.deploy, "default", {
    metadata: { name: "web" },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          containers: [
            {
              name: "web",
              image: "nginx:1.27",
              resources: {
                requests: { cpu: "100m", memory: "128Mi" },
                limits: { cpu: "100m", memory: "128Mi" },
              },
            },
          ],
        },
      },
    },
  });
  settle();
});

/** Runs the controllers until the Deployment's pods are all running and ready. */
function settle() {
  for (let i = 0; i < 50; i++) {
    now += 200;
    st.reconcile(now);
    const want = st.get(R.deploy, "default", "web")?.spec.replicas;
    const pods = st.list(R.pod, "default").filter((p) => !p.metadata.deletionTimestamp);
    if (pods.length === want && pods.every(isPodReady)) return;
  }
  throw new Error("pods did not settle");
}

function hpa(spec: Obj) {
  st.create(R.hpa, "default", {
    metadata: { name: "web" },
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, ...spec },
  });
}

const cpuTarget = (percent: number) => [
  {
    type: "Resource",
    resource: { name: "cpu", target: { type: "Utilization", averageUtilization: percent } },
  },
];

/** One sync period later: the controller syncs, then the cluster converges. */
function syncAfter(controller: HpaController, ms = 15_000, metrics: PodUsage | null = usage) {
  now += ms;
  controller.sync(ctx, now, metrics ?? undefined);
  settle();
}

const replicas = () => st.get(R.deploy, "default", "web")?.spec.replicas;
const status = () => st.get(R.hpa, "default", "web")?.status;
const condition = (type: string) => status()?.conditions.find((c: Obj) => c.type === type);
const rescales = () =>
  st
    .list(R.ev, "default")
    .filter((e) => e.reason === "SuccessfulRescale")
    .map((e) => e.message);

const controller = () =>
  new HpaController({ syncPeriodMs: 15_000, downscaleStabilizationMs: 60_000, tolerance: 0.1 });

describe("HPA controller", () => {
  it("scales up at once to ceil(current × utilization ÷ target), with status and event", () => {
    hpa({ minReplicas: 1, maxReplicas: 10, metrics: cpuTarget(50) });
    cpuPerPod = 0.09; // 90 % of 100m
    syncAfter(controller());
    expect(replicas()).toBe(4); // ceil(2 × 90 / 50)
    expect(status()).toMatchObject({
      currentReplicas: 2,
      desiredReplicas: 4,
      currentMetrics: [
        {
          type: "Resource",
          resource: { name: "cpu", current: { averageUtilization: 90, averageValue: "90m" } },
        },
      ],
    });
    expect(status().lastScaleTime).toBeTruthy();
    expect(rescales()).toEqual([
      "New size: 4; reason: cpu resource utilization (percentage of request) above target",
    ]);
    expect(condition("AbleToScale")).toMatchObject({ status: "True", reason: "SucceededRescale" });
    expect(condition("ScalingActive")).toMatchObject({ status: "True", reason: "ValidMetricFound" });
    expect(condition("ScalingLimited")).toMatchObject({ status: "False", reason: "DesiredWithinRange" });
  });

  it.each([
    [0.054, 2], // ratio 1.08: within the 0.1 tolerance
    [0.046, 2], // ratio 0.92: within
    [0.056, 3], // ratio 1.12: ceil(2 × 1.12)
  ])("leaves the count alone within the tolerance (usage %s → %s replicas)", (cpu, want) => {
    hpa({ minReplicas: 1, maxReplicas: 10, metrics: cpuTarget(50) });
    cpuPerPod = cpu;
    syncAfter(controller());
    expect(replicas()).toBe(want);
  });

  it("waits for the stabilization window before scaling down, then clamps to min", () => {
    hpa({ minReplicas: 2, maxReplicas: 10, metrics: cpuTarget(50) });
    const c = controller();
    cpuPerPod = 0.09;
    syncAfter(c);
    expect(replicas()).toBe(4);
    cpuPerPod = 0.01; // 10 %: ceil(4 × 0.2) = 1, below min
    syncAfter(c);
    expect(replicas()).toBe(4);
    expect(condition("AbleToScale")).toMatchObject({ status: "True", reason: "ScaleDownStabilized" });
    syncAfter(c, 30_000); // 45 s after the recommendation of 4: still in the 60 s window
    expect(replicas()).toBe(4);
    syncAfter(c, 20_000);
    expect(replicas()).toBe(2);
    expect(condition("ScalingLimited")).toMatchObject({ status: "True", reason: "TooFewReplicas" });
    expect(rescales()).toContain("New size: 2; reason: All metrics below target");
  });

  it("respects the object's own scale-down window", () => {
    hpa({
      minReplicas: 1,
      maxReplicas: 10,
      metrics: cpuTarget(50),
      behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
    });
    const c = controller();
    cpuPerPod = 0.09;
    syncAfter(c);
    expect(replicas()).toBe(4);
    cpuPerPod = 0.02; // 20 %: ceil(4 × 0.4) = 2
    syncAfter(c);
    expect(replicas()).toBe(2);
  });

  it("clamps to max and limits the rate of scale-up (4 pods or 100 % per 15 s)", () => {
    hpa({ minReplicas: 1, maxReplicas: 20, metrics: cpuTarget(10) });
    const c = controller();
    cpuPerPod = 0.1; // 100 % against 10 %: 20 wanted
    syncAfter(c);
    expect(replicas()).toBe(6); // max(2 + 4, 2 × 2)
    expect(condition("ScalingLimited")).toMatchObject({ status: "True", reason: "ScaleUpLimit" });
    syncAfter(c);
    expect(replicas()).toBe(12); // max(6 + 4, 6 × 2)
    st.mutate(R.hpa, "default", "web", (h) => {
      h.spec.maxReplicas = 15;
    });
    syncAfter(c);
    expect(replicas()).toBe(15);
    expect(condition("ScalingLimited")).toMatchObject({ status: "True", reason: "TooManyReplicas" });
  });

  it.each([
    // Scaling up, the pod without metrics counts at 0 %: (90 + 0) / 2 = 45 %, within the tolerance of 50 %.
    [0.09, 2],
    // Scaling down, at 100 % of its request: (10 + 100) / 2 = 55 %, above target: no scale-down.
    [0.01, 2],
    // Scaling up hard: (100 + 0) / 2 = 50 % of a 20 % target, ceil(2 × 2.5) = 5.
    [0.1, 5, 20],
  ])(
    "rebalances a pod without metrics yet (the other at %s cores → %s replicas)",
    (cpu, want, target = 50) => {
      hpa({ minReplicas: 1, maxReplicas: 10, metrics: cpuTarget(target) });
      const first = st.list(R.pod, "default")[0]?.metadata.name;
      syncAfter(controller(), 15_000, (pod) =>
        pod.metadata.name === first ? { cpu, memory: 64 * 1024 * 1024 } : undefined,
      );
      expect(replicas()).toBe(want);
    },
  );

  it("says why it cannot scale when the cluster has no metrics API", () => {
    hpa({ minReplicas: 1, maxReplicas: 10, metrics: cpuTarget(50) });
    syncAfter(controller(), 15_000, null);
    expect(replicas()).toBe(2);
    expect(condition("ScalingActive")).toMatchObject({ status: "False", reason: "FailedGetResourceMetric" });
    expect(condition("ScalingActive").message).toMatch(/unable to fetch metrics from resource metrics API/);
  });

  it("syncs only once per period", () => {
    hpa({ minReplicas: 1, maxReplicas: 10, metrics: cpuTarget(50) });
    const c = controller();
    cpuPerPod = 0.09;
    syncAfter(c);
    syncAfter(c, 5_000);
    expect(replicas()).toBe(4);
    syncAfter(c, 10_000); // 8 pods at 90 %: another step
    expect(replicas()).toBe(8);
  });
});
