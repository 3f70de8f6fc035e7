// The postgres and guestbook program models in a running simulator: data on a PersistentVolumeClaim
// outlives the pod, data in the writable layer does not, passwords are checked, the entrypoint's
// missing-password exit, and the guestbook reading and writing through a postgres pod.
// The network between pods (AppContext.dial) belongs to the ingress/network work; these tests wire
// the kubelet's dialer to a small resolver of their own: `<service>` in the caller's namespace → its
// Endpoints' first ready address → that pod's container listening on the target port.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppContext, appFor } from "../http-apps";
import type { Kubelet } from "../kubelet";
import { R } from "../resources";
import { type SimClusterImpl, type Simulator, startSimulator } from "../simulator";
import { raw, waitFor } from "../test-helpers";
import type { Obj } from "../util";

let sim: Simulator;
let kubelet: Kubelet;
let cluster: SimClusterImpl;

beforeAll(async () => {
  sim = await startSimulator({
    clusters: [{ name: "pg", nodes: [{ name: "node-a", cpu: "8", memory: "32Gi" }] }],
    podStartDelayMs: 40,
    tickMs: 20,
  });
  cluster = sim.cluster("pg") as SimClusterImpl;
  kubelet = cluster.state.kubelet;
  kubelet.dialer = async (from, host, port) => {
    const ns = from.pod.metadata.namespace;
    const store = cluster.state.store;
    const svc = store.get(R.svc, ns, host);
    if (!svc) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
    const sp = (svc.spec.ports ?? []).find((p: Obj) => p.port === port);
    const subset = store.get(R.ep, ns, host)?.subsets?.[0];
    const addr = subset?.addresses?.[0];
    if (!sp || !addr) throw new Error(`connect ECONNREFUSED ${svc.spec.clusterIP}:${port}`);
    const pod = store.get(R.pod, ns, addr.targetRef.name) as Obj;
    for (const c of pod.spec.containers) {
      const running = kubelet.appOf(pod.metadata.uid, c.name);
      if (running?.app.listens(running.ctx).includes(Number(sp.targetPort)))
        return { pod, container: c.name, app: running.app, ctx: running.ctx };
    }
    throw new Error(`connect ECONNREFUSED ${svc.spec.clusterIP}:${port}`);
  };
});
afterAll(async () => {
  await sim.stop();
});

const api = (method: string, path: string, body?: unknown) => raw(cluster, sim.caPem, method, path, { body });
const get = async (path: string) => (await api("GET", path)).json;

async function postgresDeployment(
  ns: string,
  opts: { pvc: boolean; password?: boolean; storageClassName?: string; beforePods?: () => Promise<void> },
) {
  expect((await api("POST", "/api/v1/namespaces", { metadata: { name: ns } })).status).toBe(201);
  await api("POST", `/api/v1/namespaces/${ns}/secrets`, {
    metadata: { name: "db" },
    stringData: { password: "correct horse" },
  });
  if (opts.pvc)
    await api("POST", `/api/v1/namespaces/${ns}/persistentvolumeclaims`, {
      metadata: { name: "pgdata" },
      spec: {
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: "1Gi" } },
        ...(opts.storageClassName ? { storageClassName: opts.storageClassName } : {}),
      },
    });
  await opts.beforePods?.();
  const env: Obj[] = [
    { name: "POSTGRES_USER", value: "app" },
    { name: "POSTGRES_DB", value: "guestbook" },
  ];
  if (opts.password !== false)
    env.push({ name: "POSTGRES_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } });
  const labels = { app: "db" };
  await api("POST", `/apis/apps/v1/namespaces/${ns}/deployments`, {
    metadata: { name: "db" },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: "postgres",
              image: "postgres:16",
              env,
              ports: [{ containerPort: 5432 }],
              ...(opts.pvc
                ? { volumeMounts: [{ name: "data", mountPath: "/var/lib/postgresql/data" }] }
                : {}),
            },
          ],
          ...(opts.pvc
            ? { volumes: [{ name: "data", persistentVolumeClaim: { claimName: "pgdata" } }] }
            : {}),
        },
      },
    },
  });
  await api("POST", `/api/v1/namespaces/${ns}/services`, {
    metadata: { name: "db" },
    spec: { selector: labels, ports: [{ port: 5432, targetPort: 5432 }] },
  });
}

async function runningPod(ns: string, app: string, not?: string): Promise<Obj> {
  return waitFor(
    async () =>
      ((await get(`/api/v1/namespaces/${ns}/pods?labelSelector=app%3D${app}`)).items as Obj[]).find(
        (p) =>
          p.metadata.name !== not &&
          !p.metadata.deletionTimestamp &&
          p.status?.conditions?.some((c: Obj) => c.type === "Ready" && c.status === "True"),
      ),
    20_000,
    `a ready ${app} pod`,
  );
}

function peer(pod: Obj) {
  const running = kubelet.appOf(pod.metadata.uid, "postgres");
  const pg = running?.app.postgres?.(running.ctx);
  if (!pg) throw new Error("no postgres program in the pod");
  return pg;
}

describe("postgres image model", () => {
  it.each([
    [true, ["hello"]],
    [false, []],
  ])(
    "pvc=%s: a row written survives the pod's replacement only on a volume",
    async (pvc, expected) => {
      const ns = `pg-${pvc ? "pvc" : "none"}`;
      await postgresDeployment(ns, { pvc });
      const first = await runningPod(ns, "db");
      const conn = await peer(first).connect("app", "correct horse", "guestbook");
      await conn.query("CREATE TABLE IF NOT EXISTS notes (text text)");
      await conn.query("INSERT INTO notes VALUES ($1)", ["hello"]);
      expect((await conn.query("SELECT text FROM notes")).rows).toEqual([{ text: "hello" }]);
      await conn.close();

      await api("DELETE", `/api/v1/namespaces/${ns}/pods/${first.metadata.name}`);
      const second = await runningPod(ns, "db", first.metadata.name);
      const again = await peer(second).connect("app", "correct horse", "guestbook");
      await again.query("CREATE TABLE IF NOT EXISTS notes (text text)");
      expect((await again.query("SELECT text FROM notes")).rows.map((r) => r.text)).toEqual(expected);
      await again.close();
    },
    60_000,
  );

  it("refuses a wrong password, an unknown user and an unknown database", async () => {
    const pod = await runningPod("pg-pvc", "db");
    const pg = peer(pod);
    await expect(pg.connect("app", "wrong", "guestbook")).rejects.toThrow(
      'password authentication failed for user "app"',
    );
    await expect(pg.connect("mallory", "correct horse", "guestbook")).rejects.toThrow(
      'password authentication failed for user "mallory"',
    );
    await expect(pg.connect("app", "correct horse", "nope")).rejects.toThrow(
      'database "nope" does not exist',
    );
  }, 30_000);

  it("without POSTGRES_PASSWORD on an empty data directory the container exits with the entrypoint's error", async () => {
    await postgresDeployment("pg-nopass", { pvc: false, password: false });
    const pod = await waitFor(
      async () =>
        ((await get("/api/v1/namespaces/pg-nopass/pods")).items as Obj[]).find(
          (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1,
        ),
      20_000,
    );
    const logs = await api("GET", `/api/v1/namespaces/pg-nopass/pods/${pod.metadata.name}/log?previous=true`);
    expect(logs.text).toContain("Error: Database is uninitialized and superuser password is not specified.");
    expect(logs.text).toContain('You may also use "POSTGRES_HOST_AUTH_METHOD=trust"');
    expect(kubelet.appOf(pod.metadata.uid, "postgres")).toBeUndefined();
  }, 30_000);
});

describe("postgres entrypoint defaults (a context of the test's own)", () => {
  const context = (image: string, env: Record<string, string>, dir: string) => {
    const app = appFor(image);
    if (!app) throw new Error(`no program model for ${image}`);
    const ctx: AppContext = {
      pod: { metadata: { name: "p", namespace: "t" } },
      container: "db",
      env,
      mountDir: () => dir,
      dial: () => Promise.reject(new Error("no network in this test")),
    };
    return { app, ctx };
  };

  it("POSTGRES_DB defaults to the user's name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pg-defaults-"));
    const { app, ctx } = context("postgres:17", { POSTGRES_USER: "shop", POSTGRES_PASSWORD: "pw" }, dir);
    try {
      expect(app.exitsOnStart?.(ctx)).toBeNull();
      const conn = await app.postgres?.(ctx).connect("shop", "pw", "shop");
      expect((await conn?.query("SELECT current_database() AS db"))?.rows).toEqual([{ db: "shop" }]);
      await conn?.close();
      await expect(conn?.query("SELECT 1")).rejects.toThrow("Client was closed and is not queryable");
    } finally {
      await app.stop?.(ctx);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("reads POSTGRES_PASSWORD_FILE through the container's mounts", () => {
    const dir = mkdtempSync(join(tmpdir(), "pg-file-"));
    try {
      const env = { POSTGRES_PASSWORD_FILE: "/run/secrets/pw" };
      const { app, ctx } = context("postgres", env, dir);
      const withFile = {
        ...ctx,
        mountDir: (p: string) => (p === "/run/secrets/pw" ? join(dir, "pw") : join(dir, "data")),
      };
      expect(app.exitsOnStart?.(withFile)?.[0]).toBe(
        "Error: Database is uninitialized and superuser password is not specified.",
      );
      writeFileSync(join(dir, "pw"), "from-a-file");
      expect(app.exitsOnStart?.(withFile)).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("bitnami/postgresql without POSTGRESQL_PASSWORD exits with its validation error", () => {
    const dir = mkdtempSync(join(tmpdir(), "pg-bitnami-"));
    try {
      const { app, ctx } = context("bitnami/postgresql:16", {}, dir);
      expect(app.exitsOnStart?.(ctx)?.at(-1)).toContain(
        "The POSTGRESQL_PASSWORD environment variable is empty or not set.",
      );
      const allowed = context("bitnami/postgresql:16", { ALLOW_EMPTY_PASSWORD: "yes" }, dir);
      expect(allowed.app.exitsOnStart?.(allowed.ctx)).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("postgres on a volume that is not empty", () => {
  it("initdb refuses it: the container exits with initdb's error", async () => {
    const ns = "pg-dirty";
    await postgresDeployment(ns, {
      pvc: true,
      storageClassName: "fast-ssd",
      beforePods: async () => {
        const pvc = await waitFor(async () => {
          const p = await get(`/api/v1/namespaces/${ns}/persistentvolumeclaims/pgdata`);
          return p.status?.phase === "Bound" ? p : undefined;
        });
        writeFileSync(join(cluster.state.volumes.pv(pvc.spec.volumeName), "stray.txt"), "left over");
      },
    });
    const pod = await waitFor(
      async () =>
        ((await get(`/api/v1/namespaces/${ns}/pods`)).items as Obj[]).find(
          (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1,
        ),
      20_000,
    );
    const logs = await api("GET", `/api/v1/namespaces/${ns}/pods/${pod.metadata.name}/log?previous=true`);
    expect(logs.text).toContain(
      'initdb: error: directory "/var/lib/postgresql/data" exists but is not empty',
    );
  }, 30_000);
});

describe("guestbook", () => {
  it("lists and adds entries through the postgres Service, and shows database errors", async () => {
    const ns = "pg-pvc";
    const labels = { app: "web" };
    const env = [
      { name: "DATABASE_HOST", value: "db" },
      { name: "DATABASE_PORT", value: "5432" },
      { name: "DATABASE_USER", value: "app" },
      { name: "DATABASE_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
      { name: "DATABASE_NAME", value: "guestbook" },
    ];
    const restricted = {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    };
    await api("POST", `/api/v1/namespaces/${ns}/pods`, {
      metadata: { name: "web", labels },
      spec: {
        containers: [
          { name: "web", image: "ghcr.io/kubebid/guestbook:1.0", env, securityContext: restricted },
        ],
      },
    });
    const pod = await runningPod(ns, "web");
    const web = kubelet.appOf(pod.metadata.uid, "web");
    if (!web?.app.http) throw new Error("no guestbook program");
    expect(web.app.listens(web.ctx)).toEqual([8080]);
    const req = (method: string, body = "") =>
      web.app.http?.(8080, { method, path: "/", headers: {}, body: Buffer.from(body) }, web.ctx);

    const post = await req("POST", "text=hello+%3Cworld%3E");
    expect(post).toMatchObject({ status: 303, headers: { location: "/" } });
    const page = await req("GET");
    expect(page?.status).toBe(200);
    expect(String(page?.body)).toContain("KubeBid guestbook");
    expect(String(page?.body)).toContain("<li>hello &lt;world&gt;</li>");

    // The database is gone: the page says why.
    await api("DELETE", `/apis/apps/v1/namespaces/${ns}/deployments/db`);
    await waitFor(
      async () =>
        !((await get(`/api/v1/namespaces/${ns}/pods?labelSelector=app%3Ddb`)).items as Obj[]).length,
    );
    const down = await req("GET");
    expect(down?.status).toBe(500);
    expect(String(down?.body)).toMatch(/Database error: connect ECONNREFUSED/);
  }, 60_000);

  it("starts in a namespace enforcing Pod Security restricted", async () => {
    const ns = "web-restricted";
    await api("POST", "/api/v1/namespaces", {
      metadata: { name: ns, labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
    });
    const r = await api("POST", `/api/v1/namespaces/${ns}/pods`, {
      metadata: { name: "web", labels: { app: "web" } },
      spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
          {
            name: "web",
            image: "ghcr.io/kubebid/guestbook:2",
            securityContext: {
              allowPrivilegeEscalation: false,
              capabilities: { drop: ["ALL"] },
              readOnlyRootFilesystem: true,
            },
          },
        ],
      },
    });
    expect(r.status, r.text).toBe(201);
    const pod = await runningPod(ns, "web");
    expect(pod.status.containerStatuses[0].restartCount).toBe(0);
  }, 30_000);

  it("a wrong database password is a 500 page with PostgreSQL's message", async () => {
    const ns = "pg-none";
    await api("POST", `/api/v1/namespaces/${ns}/pods`, {
      metadata: { name: "web", labels: { app: "web" } },
      spec: {
        containers: [
          {
            name: "web",
            image: "ghcr.io/kubebid/guestbook",
            env: [
              { name: "DATABASE_HOST", value: "db" },
              { name: "DATABASE_USER", value: "app" },
              { name: "DATABASE_PASSWORD", value: "guess" },
              { name: "DATABASE_NAME", value: "guestbook" },
            ],
          },
        ],
      },
    });
    const pod = await runningPod(ns, "web");
    const web = kubelet.appOf(pod.metadata.uid, "web");
    const res = await web?.app.http?.(
      8080,
      { method: "GET", path: "/", headers: {}, body: Buffer.alloc(0) },
      web.ctx,
    );
    expect(res?.status).toBe(500);
    expect(String(res?.body)).toContain(
      "Database error: password authentication failed for user &quot;app&quot;",
    );
  }, 30_000);
});
