// A simulated cluster taken off the network and brought back (how tests and e2e inject downtime):
// while stopped its API refuses connections; started again it answers on the same address with the
// same token, and the Deployment's pods are Ready as before. Also through the stack's control listener.
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setSimClusterRunning, startSimControl } from "../sim-control";
import { type SimCluster, type Simulator, startSimulator } from "./simulator";
import { raw, waitFor } from "./test-helpers";

let sim: Simulator;
let c: SimCluster;
const get = (path: string) => raw(c, sim.caPem, "GET", path);

beforeAll(async () => {
  sim = await startSimulator({
    clusters: [{ name: "r", nodes: [{ name: "r-1", cpu: "8", memory: "32Gi" }] }],
    podStartDelayMs: 40,
    tickMs: 20,
  });
  c = sim.cluster("r");
  await raw(c, sim.caPem, "POST", "/api/v1/namespaces", { body: { metadata: { name: "app" } } });
  const created = await raw(c, sim.caPem, "POST", "/apis/apps/v1/namespaces/app/deployments", {
    body: {
      metadata: { name: "web" },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
        },
      },
    },
  });
  expect(created.status).toBe(201);
});
afterAll(async () => {
  await sim?.stop();
});

const readyReplicas = async () =>
  (
    (await get("/apis/apps/v1/namespaces/app/deployments/web")).json as {
      status?: { readyReplicas?: number };
    }
  ).status?.readyReplicas ?? 0;

describe("stopping and starting a simulated cluster", () => {
  it("refuses connections while stopped, then answers on the same address with its pods Ready", async () => {
    await waitFor(async () => (await readyReplicas()) === 2, 5000, "2 ready replicas");
    const server = c.server;
    await c.stop();
    expect(c.running).toBe(false);
    await expect(get("/api/v1/namespaces")).rejects.toThrow(/ECONNREFUSED/);
    await c.start();
    expect(c.running).toBe(true);
    expect(c.server).toBe(server);
    expect((await get("/api/v1/namespaces/app")).status).toBe(200);
    expect(await readyReplicas()).toBe(2);
    const pods = (await get("/api/v1/namespaces/app/pods")).json as {
      items: { status: { phase: string; conditions?: { type: string; status: string }[] } }[];
    };
    expect(pods.items).toHaveLength(2);
    for (const p of pods.items) {
      expect(p.status.phase).toBe("Running");
      expect(p.status.conditions?.find((x) => x.type === "Ready")?.status).toBe("True");
    }
  });

  it("does not come back on another port when its own was taken meanwhile", async () => {
    const port = c.port;
    await c.stop();
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, "127.0.0.1", () => resolve()));
    try {
      await expect(c.start()).rejects.toThrow(/EADDRINUSE/);
      expect(c.running).toBe(false);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
    await c.start();
    expect(c.port).toBe(port);
  });

  it("is stopped and started from another process through the control listener", async () => {
    const control = await startSimControl(sim);
    try {
      expect(await setSimClusterRunning(control.url, "r", false)).toMatchObject({
        name: "r",
        running: false,
      });
      await expect(get("/api/v1/namespaces")).rejects.toThrow(/ECONNREFUSED/);
      expect(await setSimClusterRunning(control.url, "r", true)).toMatchObject({
        running: true,
        server: c.server,
      });
      expect((await get("/api/v1/namespaces/app")).status).toBe(200);
      await expect(setSimClusterRunning(control.url, "nope", false)).rejects.toThrow(
        /no simulated cluster named nope/,
      );
      const list = (await (await fetch(`${control.url}/clusters`)).json()) as {
        name: string;
        running: boolean;
      }[];
      expect(list).toEqual([{ name: "r", server: c.server, running: true }]);
    } finally {
      await control.close();
    }
  });
});
