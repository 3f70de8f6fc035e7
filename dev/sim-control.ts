import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import type { Simulator } from "./k8s-sim/simulator";

// DEV ONLY. A small HTTP listener on 127.0.0.1 through which processes other than the stack's own (the
// e2e specs run in Playwright workers; the simulator runs in the global setup's process) take a
// simulated cluster off the network and bring it back, to inject downtime:
//   POST /clusters/<name>/stop   → the cluster's API stops answering (ECONNREFUSED)
//   POST /clusters/<name>/start  → it answers again on the same address, objects and pods as they were
//   GET  /clusters               → [{ name, server, running }]
// Each answers 200 with the cluster's { name, server, running }, 404 for an unknown cluster. It is
// started by dev/stack.ts only (never by the app) and its URL is StackInfo.simControlUrl.

export interface SimControl {
  url: string;
  close(): Promise<void>;
}

export async function startSimControl(sim: Simulator): Promise<SimControl> {
  const sockets = new Set<Socket>();
  const server: Server = createServer(async (req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const view = (c: Simulator["clusters"][number]) => ({
      name: c.name,
      server: c.server,
      running: c.running,
    });
    try {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      if (req.method === "GET" && path === "/clusters") return reply(200, sim.clusters.map(view));
      const match = /^\/clusters\/([a-z0-9-]+)\/(stop|start)$/.exec(path);
      if (!match || req.method !== "POST") return reply(404, { error: "not found" });
      const cluster = sim.clusters.find((c) => c.name === match[1]);
      if (!cluster) return reply(404, { error: `no simulated cluster named ${match[1]}` });
      if (match[2] === "stop") await cluster.stop();
      else await cluster.start();
      return reply(200, view(cluster));
    } catch (error) {
      return reply(500, { error: (error as Error).message });
    }
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = address && typeof address === "object" ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** From any process: takes the stack's simulated cluster `name` off the network, or brings it back. */
export async function setSimClusterRunning(
  simControlUrl: string,
  name: string,
  running: boolean,
): Promise<{ name: string; server: string; running: boolean }> {
  const res = await fetch(
    `${simControlUrl}/clusters/${encodeURIComponent(name)}/${running ? "start" : "stop"}`,
    {
      method: "POST",
    },
  );
  const body = (await res.json()) as { name: string; server: string; running: boolean; error?: string };
  if (!res.ok) throw new Error(`simulator control: ${body.error ?? res.status}`);
  return body;
}
