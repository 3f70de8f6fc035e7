// Horizontal autoscaling end to end in the simulator: HTTP load through the ingress listener costs the
// answering containers CPU (kubelet.ts), the metrics API reports it, and the HPA controller (with a
// short sync period and stabilization window) scales the Deployment up under load and down after it.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, type Simulator, startSimulator } from "./simulator";
import { raw, waitFor } from "./test-helpers";
import type { Obj } from "./util";

let sim: Simulator;
let c: SimCluster;
const NS = "shop";
const HOST = "web.apps.h1.localhost";

const api = (method: string, path: string, body?: unknown) => raw(c, sim.caPem, method, path, { body });
async function ok(method: string, path: string, body?: unknown) {
  const r = await api(method, path, body);
  expect(r.status, JSON.stringify(r.json)).toBeLessThan(300);
  return r.json;
}

function hit(): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      { host: "127.0.0.1", port: sim.ingressPort, path: "/", headers: { host: HOST }, agent: false },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", () => resolve(0));
    req.end();
  });
}

beforeAll(async () => {
  sim = await startSimulator({
    clusters: [{ name: "h1", nodes: [{ name: "n1", cpu: "8", memory: "32Gi" }] }],
    podStartDelayMs: 50,
    tickMs: 20,
    hpa: { syncPeriodMs: 500, downscaleStabilizationMs: 2000 },
  });
  c = sim.cluster("h1");
  await ok("POST", "/api/v1/namespaces", { metadata: { name: NS } });
  const labels = { app: "web" };
  const cpu = { cpu: "100m", memory: "64Mi" };
  await ok("POST", `/apis/apps/v1/namespaces/${NS}/deployments`, {
    metadata: { name: "web" },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: "web",
              image: "nginx:1.27",
              ports: [{ name: "http", containerPort: 80 }],
              resources: { requests: cpu, limits: cpu },
            },
          ],
        },
      },
    },
  });
  await ok("POST", `/api/v1/namespaces/${NS}/services`, {
    metadata: { name: "web" },
    spec: { selector: labels, ports: [{ name: "http", port: 80, targetPort: "http" }] },
  });
  await ok("POST", `/apis/networking.k8s.io/v1/namespaces/${NS}/ingresses`, {
    metadata: { name: "web" },
    spec: {
      ingressClassName: "nginx",
      rules: [
        {
          host: HOST,
          http: {
            paths: [
              { path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } },
            ],
          },
        },
      ],
    },
  });
  // 80 %: above the idle random walk's ceiling (70 % of the request), so only load scales it up.
  await ok("POST", `/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers`, {
    metadata: { name: "web" },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
      minReplicas: 1,
      maxReplicas: 4,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
        },
      ],
    },
  });
  await waitFor(async () => (await hit()) === 200, 10_000, "the ingress to answer");
}, 30_000);

afterAll(async () => {
  await sim?.stop();
});

const replicas = async () =>
  (await ok("GET", `/apis/apps/v1/namespaces/${NS}/deployments/web`)).spec.replicas;
const hpa = () => ok("GET", `/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers/web`);

describe("HPA under HTTP load through the ingress", () => {
  it("stays at min while idle, rises under load and falls after it", async () => {
    await waitFor(async () => (await hpa()).status?.currentMetrics, 10_000, "a first sync");
    expect(await replicas()).toBe(1);

    let loading = true;
    // ~100 requests a second: 0.5 cores of work, beyond what one 100m pod has.
    const loop = async () => {
      while (loading) {
        await hit();
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const loops = [loop(), loop()];
    try {
      await waitFor(async () => (await replicas()) >= 3, 40_000, "a scale-up under load");
    } finally {
      loading = false;
      await Promise.all(loops);
    }
    const up = await hpa();
    expect(up.status.conditions.find((x: Obj) => x.type === "ScalingActive")).toMatchObject({
      status: "True",
    });
    const events = (await ok("GET", `/api/v1/namespaces/${NS}/events`)).items as Obj[];
    expect(events.map((e) => e.message)).toContainEqual(
      expect.stringMatching(
        /^New size: \d; reason: cpu resource utilization \(percentage of request\) above target$/,
      ),
    );

    const peak = await replicas();
    await waitFor(async () => (await replicas()) < peak, 60_000, "a scale-down after the load");
    expect(
      ((await ok("GET", `/api/v1/namespaces/${NS}/events`)).items as Obj[]).map((e) => e.message),
    ).toContainEqual(expect.stringMatching(/^New size: \d; reason: All metrics below target$/));
  }, 120_000);

  it("prints HPAs as kubectl get does", async () => {
    const r = await raw(
      c,
      sim.caPem,
      "GET",
      `/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers`,
      {
        accept: "application/json;as=Table;v=v1;g=meta.k8s.io",
      },
    );
    expect(r.json.columnDefinitions.map((x: Obj) => x.name)).toEqual([
      "Name",
      "Reference",
      "Targets",
      "MinPods",
      "MaxPods",
      "Replicas",
      "Age",
    ]);
    const [name, ref, targets, min, max] = r.json.rows[0].cells;
    expect([name, ref, min, max]).toEqual(["web", "Deployment/web", "1", 4]);
    expect(targets).toMatch(/^cpu: \d+%\/80%$/);
  });
});
