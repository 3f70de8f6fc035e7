import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { DbHandle } from "@/db/client";
import { clusters, leases, sessions } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { waitFor } from "@/dev/k8s-sim/test-helpers";
import { type Simulator, startSimulator } from "@/dev/k8s-sim/simulator";
import { provisionKubebidAccess } from "@/dev/provision-kubebid-access";
import { leaseRoleBinding } from "@/lib/k8s/apply-lease-workload";
import { simClient } from "@/lib/k8s/sim-test-client";
import { createShellUpgradeHandler } from "./shell-socket";

// The shell socket end to end: a real HTTP server with the upgrade handler, a real database, the
// simulator with nothing but KubeBid's generated RBAC (exec in lease namespaces only).

const tenant = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
const stranger = "0x976EA74026E726554dB657fA54763abd0C3a0aa9";
const provider = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const ORIGIN = "https://kubebid.test";

let handle: DbHandle;
let sim: Simulator;
let server: Server;
let base = "";

async function addLease(id: string, clusterId: string) {
  await handle.db.insert(leases).values({
    id,
    orderId: id,
    tenant: tenant.toLowerCase(),
    provider: provider.toLowerCase(),
    pricePerHour: "50000",
    deposit: "100000",
    startedAt: new Date(),
    createdBlock: 2n,
    clusterId,
    deployState: "running",
    namespace: `kb-lease-${id}`,
  });
}

beforeAll(async () => {
  handle = await createTestDb();
  sim = await startSimulator({
    clusters: [{ name: "c", nodes: [{ name: "n1", cpu: "8", memory: "16Gi" }] }],
    podStartDelayMs: 20,
    tickMs: 10,
  });
  const cluster = sim.cluster("c");
  const token = await provisionKubebidAccess(cluster, sim.caPem);
  const kc = new KubeConfig();
  kc.loadFromString(cluster.kubeconfig());
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  for (const [ns, pod] of [
    ["kb-lease-7", "web"],
    ["kb-lease-8", "other"],
  ] as const) {
    await core.createNamespace({ body: { metadata: { name: ns } } });
    await rbac.createNamespacedRoleBinding({ namespace: ns, body: leaseRoleBinding(ns) as never });
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: pod },
        spec: {
          containers: [
            { name: "app", image: "nginx:1.27", env: [{ name: "GREETING", value: "from-the-lease" }] },
          ],
        },
      },
    });
  }
  await waitFor(
    async () =>
      (await core.readNamespacedPod({ namespace: "kb-lease-7", name: "web" })).status?.phase === "Running",
    5000,
    "pod running",
  );
  const [c] = await handle.db
    .insert(clusters)
    .values({
      providerAddress: provider.toLowerCase(),
      name: "c",
      kubeconfigEnc: "x",
      server: cluster.server,
      status: "up",
    })
    .returning();
  await addLease("7", c!.id);
  await addLease("8", c!.id);
  const expiresAt = new Date(Date.now() + 3600_000);
  await handle.db.insert(sessions).values([
    { id: "tenant-session", address: tenant, chainId: 31337, expiresAt },
    { id: "stranger-session", address: stranger, chainId: 31337, expiresAt },
    { id: "provider-session", address: provider, chainId: 31337, expiresAt },
  ]);
  const client = simClient(cluster, { token });
  const upgrade = createShellUpgradeHandler({
    db: async () => handle.db,
    clientFor: async () => client,
    appOrigin: ORIGIN,
    rateLimitScale: 100,
    watchMs: 100,
  });
  server = createServer((_req, res) => res.end());
  server.on("upgrade", (req, socket, head) => {
    if (!upgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.close();
  await sim?.stop();
  await handle?.close();
});

interface Opened {
  ws: WebSocket;
  output(): string;
  closed: Promise<{ code: number; reason: string }>;
}

function connect(path: string, opts: { session?: string; origin?: string } = {}): Opened {
  const ws = new WebSocket(`${base}${path}`, {
    headers: {
      origin: opts.origin ?? ORIGIN,
      ...(opts.session ? { cookie: `other=1; kb_session=${opts.session}` } : {}),
    },
  });
  let out = "";
  ws.on("message", (data: Buffer, isBinary) => {
    if (isBinary) out += data.toString("utf8");
  });
  ws.on("error", () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return { ws, output: () => out, closed };
}

const ready = (o: Opened) =>
  new Promise<void>((resolve, reject) => {
    o.ws.on("message", (data: Buffer, isBinary) => {
      if (!isBinary && JSON.parse(data.toString()).type === "ready") resolve();
    });
    void o.closed.then((c) => reject(new Error(`closed ${c.code} ${c.reason}`)));
  });

describe("lease shell socket", () => {
  it("the tenant gets sh in its container: env shows the container's environment; exit ends it", async () => {
    const o = connect("/api/leases/7/shell?pod=web&container=app&cols=100&rows=30", {
      session: "tenant-session",
    });
    await ready(o);
    o.ws.send(JSON.stringify({ type: "resize", cols: 120, rows: 40 }));
    o.ws.send(JSON.stringify({ type: "input", data: "env\r" }));
    await waitFor(async () => o.output().includes("GREETING=from-the-lease"), 5000, "env output");
    expect(o.output()).toContain("HOSTNAME=web\r\n");
    o.ws.send(JSON.stringify({ type: "input", data: "exit 3\r" }));
    expect(await o.closed).toEqual({ code: 1000, reason: "The shell exited (code 3)." });
  });

  it.each([
    { who: "no session", session: undefined, path: "/api/leases/7/shell?pod=web&container=app", code: 4401 },
    {
      who: "another wallet",
      session: "stranger-session",
      path: "/api/leases/7/shell?pod=web&container=app",
      code: 4403,
    },
    {
      who: "the provider",
      session: "provider-session",
      path: "/api/leases/7/shell?pod=web&container=app",
      code: 4403,
    },
    // "other" runs in lease 8's namespace: lease 7's shell cannot reach it.
    {
      who: "the tenant, another lease's pod",
      session: "tenant-session",
      path: "/api/leases/7/shell?pod=other&container=app",
      code: 4404,
    },
    {
      who: "the tenant, no such container",
      session: "tenant-session",
      path: "/api/leases/7/shell?pod=web&container=db",
      code: 4404,
    },
    {
      who: "the tenant, a bad pod name",
      session: "tenant-session",
      path: "/api/leases/7/shell?pod=..%2Fx&container=app",
      code: 4400,
    },
    {
      who: "the tenant, an unknown lease",
      session: "tenant-session",
      path: "/api/leases/99/shell?pod=web&container=app",
      code: 4404,
    },
  ])("refuses $who with $code", async ({ session, path, code }) => {
    const o = connect(path, { session });
    expect((await o.closed).code).toBe(code);
  });

  it("refuses a handshake from another origin before upgrading", async () => {
    const ws = new WebSocket(`${base}/api/leases/7/shell?pod=web&container=app`, {
      headers: { origin: "https://evil.example", cookie: "kb_session=tenant-session" },
    });
    const status = await new Promise<number>((resolve) => {
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => resolve(101));
      ws.on("error", () => {});
    });
    expect(status).toBe(403);
  });

  it("closes on a message it does not accept (oversized resize)", async () => {
    const o = connect("/api/leases/7/shell?pod=web&container=app", { session: "tenant-session" });
    await ready(o);
    o.ws.send(JSON.stringify({ type: "resize", cols: 100_000, rows: 40 }));
    expect((await o.closed).code).toBe(1008);
  });

  it("closes the open shell when the lease ends", async () => {
    const o = connect("/api/leases/8/shell?pod=other&container=app", { session: "tenant-session" });
    await ready(o);
    await handle.db.update(leases).set({ status: "closed", closedAt: new Date() }).where(eq(leases.id, "8"));
    expect(await o.closed).toEqual({ code: 4409, reason: "This lease has ended." });
    const again = connect("/api/leases/8/shell?pod=other&container=app", { session: "tenant-session" });
    expect(await again.closed).toEqual({ code: 4409, reason: "This lease has ended." });
  });

  it("closes the open shell when the session ends", async () => {
    await handle.db.insert(sessions).values({
      id: "short-session",
      address: tenant,
      chainId: 31337,
      expiresAt: new Date(Date.now() + 3600_000),
    });
    const o = connect("/api/leases/7/shell?pod=web&container=app", { session: "short-session" });
    await ready(o);
    await handle.db.delete(sessions).where(eq(sessions.id, "short-session"));
    expect(await o.closed).toEqual({ code: 4401, reason: "Your session has ended." });
  });
});
