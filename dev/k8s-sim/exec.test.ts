import { PassThrough, Writable } from "node:stream";
import { CoreV1Api, Exec, KubeConfig, type V1Status } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type SimCluster, type Simulator, startSimulator } from "./simulator";
import { raw, waitFor } from "./test-helpers";

let sim: Simulator;
let c: SimCluster;
let kc: KubeConfig;
const NS = "exec-test";

function kubeconfigFor(token: string): KubeConfig {
  const k = new KubeConfig();
  k.loadFromString(c.kubeconfig({ token }));
  return k;
}

class Sink extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString("utf8");
    cb();
  }
}

interface Ran {
  out: string;
  err: string;
  status: V1Status;
}

/** Runs a command through client-node's Exec (WebSocket, v5.channel.k8s.io) and waits for its status. */
function run(
  pod: string,
  command: string[],
  opts: { container?: string; stdin?: string; tty?: boolean; config?: KubeConfig } = {},
): Promise<Ran> {
  const out = new Sink();
  const err = new Sink();
  const stdin = opts.stdin === undefined ? null : new PassThrough();
  return new Promise((resolve, reject) => {
    new Exec(opts.config ?? kc)
      .exec(
        NS,
        pod,
        opts.container ?? "app",
        command,
        out,
        opts.tty ? null : err,
        stdin,
        opts.tty ?? false,
        (s) => resolve({ out: out.text, err: err.text, status: s }),
      )
      .then(() => {
        if (stdin) stdin.end(opts.stdin);
      }, reject);
  });
}

const exitCode = (s: V1Status) =>
  s.status === "Success" ? 0 : Number(s.details?.causes?.find((x) => x.reason === "ExitCode")?.message);

describe("pods/exec over WebSocket", () => {
  beforeAll(async () => {
    sim = await startSimulator({
      clusters: [{ name: "x", nodes: [{ name: "n1", cpu: "4", memory: "8Gi" }] }],
      podStartDelayMs: 20,
      tickMs: 10,
    });
    c = sim.cluster("x");
    kc = new KubeConfig();
    kc.loadFromString(c.kubeconfig());
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await core.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { name: "db" }, stringData: { password: "s3cret" } },
    });
    await core.createNamespacedService({
      namespace: NS,
      body: {
        metadata: { name: "api" },
        spec: { selector: { a: "b" }, ports: [{ port: 8080, name: "http" }] },
      },
    });
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: "web" },
        spec: {
          containers: [
            {
              name: "app",
              image: "nginx:1.27",
              env: [
                { name: "GREETING", value: "hello" },
                { name: "MESSAGE", value: "$(GREETING) world" },
                { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
                { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
              ],
              volumeMounts: [{ name: "creds", mountPath: "/etc/creds", readOnly: true }],
            },
            { name: "side", image: "nginxinc/nginx-unprivileged:1.27" },
          ],
          volumes: [{ name: "creds", secret: { secretName: "db" } }],
        },
      },
    });
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: "broken" },
        spec: { containers: [{ name: "app", image: "ghcr.io/acme/pullerror:1" }] },
      },
    });
    await waitFor(
      async () => (await core.readNamespacedPod({ namespace: NS, name: "web" })).status?.phase === "Running",
      5000,
      "web running",
    );
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it.each([
    { cmd: ["echo", "hi", "there"], out: "hi there\n", code: 0 },
    { cmd: ["sh", "-c", "echo $GREETING; exit 3"], out: "hello\n", code: 3 },
    { cmd: ["sh", "-c", "false || echo fallback && echo $?"], out: "fallback\n0\n", code: 0 },
    { cmd: ["sh", "-c", "cd /etc/creds; pwd; ls"], out: "/etc/creds\npassword\n", code: 0 },
    { cmd: ["cat", "/etc/creds/password"], out: "s3cret", code: 0 },
    { cmd: ["hostname"], out: "web\n", code: 0 },
    { cmd: ["whoami"], out: "root\n", code: 0 },
    { cmd: ["sh", "-c", "nope"], out: "", err: "sh: nope: not found\n", code: 127 },
    { cmd: ["cat", "/nope"], out: "", err: "cat: /nope: No such file or directory\n", code: 1 },
    { cmd: ["ls", "/nope"], out: "", err: "ls: cannot access '/nope': No such file or directory\n", code: 2 },
    { cmd: ["sh", "-c", "echo a | wc"], out: "", code: 2 },
  ])("$cmd → exit $code", async ({ cmd, out, err, code }) => {
    const r = await run("web", cmd);
    expect(r.out).toBe(out);
    if (err !== undefined) expect(r.err).toBe(err);
    expect(exitCode(r.status)).toBe(code);
    if (code) expect(r.status.reason).toBe("NonZeroExitCode");
  });

  it("env is the container's resolved environment (secrets, $(VAR), fieldRef, service links)", async () => {
    const r = await run("web", ["env"]);
    const env = Object.fromEntries(
      r.out
        .trim()
        .split("\n")
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    expect(env).toMatchObject({
      GREETING: "hello",
      MESSAGE: "hello world",
      DB_PASSWORD: "s3cret",
      POD_NAME: "web",
      HOSTNAME: "web",
      HOME: "/root",
      API_SERVICE_PORT: "8080",
      API_SERVICE_PORT_HTTP: "8080",
      KUBERNETES_SERVICE_PORT: "443",
    });
    expect(env.API_SERVICE_HOST).toMatch(/^10\.96\./);
  });

  it("env: envFrom with a prefix, resourceFieldRef with a divisor, $$ escapes, a missing optional ref", async () => {
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "cfg" }, data: { mode: "fast" } },
    });
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: "envs" },
        spec: {
          enableServiceLinks: false,
          containers: [
            {
              name: "app",
              image: "busybox:1.36",
              resources: { limits: { memory: "64Mi", cpu: "250m" } },
              envFrom: [{ configMapRef: { name: "cfg" }, prefix: "CFG_" }],
              env: [
                {
                  name: "MEM_MI",
                  valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } },
                },
                { name: "CPUS", valueFrom: { resourceFieldRef: { resource: "limits.cpu" } } },
                { name: "LITERAL", value: "$$(CFG_mode) $(CFG_mode) $(NOPE)" },
                {
                  name: "MAYBE",
                  valueFrom: { secretKeyRef: { name: "absent", key: "k", optional: true } },
                },
              ],
            },
          ],
        },
      },
    });
    await waitFor(
      async () => (await core.readNamespacedPod({ namespace: NS, name: "envs" })).status?.phase === "Running",
      5000,
      "envs running",
    );
    const lines = (await run("envs", ["env"])).out.trim().split("\n");
    expect(lines).toEqual(
      expect.arrayContaining(["CFG_mode=fast", "MEM_MI=64", "CPUS=1", "LITERAL=$(CFG_mode) fast $(NOPE)"]),
    );
    expect(lines.some((l) => l.startsWith("MAYBE="))).toBe(false);
    // no service links: only the master service's variables
    expect(lines.some((l) => l.startsWith("API_SERVICE"))).toBe(false);
    expect(lines).toContain("KUBERNETES_SERVICE_PORT=443");
  });

  it("the image model's user: id and ps in the unprivileged container", async () => {
    const id = await run("web", ["id"], { container: "side" });
    expect(id.out).toBe("uid=101(nginx) gid=101(nginx) groups=101(nginx)\n");
    const ps = await run("web", ["ps"], { container: "side" });
    expect(ps.out.split("\n")[1]).toMatch(/^\s+1 nginx\s+0:00 nginx-unprivileged$/);
  });

  it("sh reads a script from stdin until it ends (v5 close frame)", async () => {
    const r = await run("web", ["sh"], { stdin: "X=1\necho $X\nexit 4\necho never\n" });
    expect(r.out).toBe("1\n");
    expect(exitCode(r.status)).toBe(4);
  });

  it("a tty: prompt, echo, backspace, Ctrl-C, \\r\\n line endings, exit", async () => {
    const r = await run("web", ["sh"], { tty: true, stdin: "ecx\x7fho hi\rfoo\x03exit 5\r" });
    expect(r.out).toBe("/ # ecx\b \bho hi\r\nhi\r\n/ # foo^C\r\n/ # exit 5\r\n");
    expect(exitCode(r.status)).toBe(5);
  });

  it("an executable the image lacks: the runtime's error, not the shell's", async () => {
    const r = await run("web", ["bash"]);
    expect(r.status).toMatchObject({ status: "Failure", reason: "InternalError", code: 500 });
    expect(r.status.message).toContain('exec: "bash": executable file not found in $PATH');
  });

  // The refusals before the upgrade, as kube-apiserver and the kubelet answer them.
  it.each([
    { path: "pods/nope/exec?command=ls&stdout=true", code: 404, msg: 'pods "nope" not found' },
    {
      path: "pods/web/exec?command=ls&stdout=true",
      code: 400,
      msg: "a container name must be specified for pod web, choose one of: [app side]",
    },
    {
      path: "pods/web/exec?command=ls&stdout=true&container=x",
      code: 400,
      msg: "container x is not valid for pod web",
    },
    {
      path: "pods/web/exec?stdout=true&container=app",
      code: 400,
      msg: "you must specify at least 1 command",
    },
    {
      path: "pods/web/exec?command=ls&container=app",
      code: 400,
      msg: "you must specify at least 1 of stdin, stdout, stderr",
    },
    {
      path: "pods/broken/exec?command=ls&stdout=true",
      code: 400,
      msg: 'unable to upgrade connection: container not found ("app")',
    },
  ])("refuses $path with $code", async ({ path, code, msg }) => {
    const r = await handshake(`/api/v1/namespaces/${NS}/${path}`, c.adminToken);
    expect(r.status).toBe(code);
    expect(r.body.message).toBe(msg);
  });

  it("requires create (and get, for the WebSocket GET) on pods/exec", async () => {
    const getOnly = c.issueToken({ rules: [{ verbs: ["get"], apiGroups: [""], resources: ["pods/exec"] }] });
    const r = await handshake(
      `/api/v1/namespaces/${NS}/pods/web/exec?command=ls&stdout=true&container=app`,
      getOnly,
    );
    expect(r.status).toBe(403);
    expect(r.body.message).toMatch(
      /cannot create resource "pods\/exec" in API group "" in the namespace "exec-test"/,
    );
    const createOnly = c.issueToken({
      rules: [{ verbs: ["create"], apiGroups: [""], resources: ["pods/exec"] }],
    });
    expect(
      (
        await handshake(
          `/api/v1/namespaces/${NS}/pods/web/exec?command=ls&stdout=true&container=app`,
          createOnly,
        )
      ).status,
    ).toBe(403);
    const both = c.issueToken({
      rules: [{ verbs: ["get", "create"], apiGroups: [""], resources: ["pods/exec"] }],
    });
    const ok = await run("web", ["echo", "ok"], { config: kubeconfigFor(both) });
    expect(ok.out).toBe("ok\n");
  });

  it("a plain request gets 400 Upgrade request required; SPDY is refused with a reason", async () => {
    const plain = await raw(
      c,
      sim.caPem,
      "POST",
      `/api/v1/namespaces/${NS}/pods/web/exec?command=ls&stdout=true&container=app`,
    );
    expect(plain.status).toBe(400);
    expect(plain.json.message).toBe("Upgrade request required");
    const spdy = await handshake(
      `/api/v1/namespaces/${NS}/pods/web/exec?command=ls&stdout=true&container=app`,
      c.adminToken,
      "SPDY/3.1",
    );
    expect(spdy.status).toBe(400);
    expect(spdy.body.message).toMatch(/WebSocket only/);
  });

  it("the session ends with exit 137 when the pod goes away", async () => {
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedPod({
      namespace: NS,
      body: { metadata: { name: "short" }, spec: { containers: [{ name: "app", image: "busybox:1.36" }] } },
    });
    await waitFor(
      async () =>
        (await core.readNamespacedPod({ namespace: NS, name: "short" })).status?.phase === "Running",
      5000,
      "short running",
    );
    const out = new Sink();
    const stdin = new PassThrough();
    let ended: (s: V1Status) => void = () => {};
    const status = new Promise<V1Status>((resolve) => {
      ended = resolve;
    });
    // resolves once the connection is open: the shell is waiting on stdin
    await new Exec(kc).exec(NS, "short", "app", ["sh"], out, new Sink(), stdin, false, (s) => ended(s));
    await core.deleteNamespacedPod({ namespace: NS, name: "short", gracePeriodSeconds: 0 });
    expect(exitCode(await status)).toBe(137);
  });
});

/** A WebSocket (or other) upgrade request; resolves with the refusal's status and JSON body. */
function handshake(
  path: string,
  token: string,
  upgrade = "websocket",
): Promise<{ status: number; body: { message?: string } }> {
  return new Promise((resolve, reject) => {
    if (upgrade !== "websocket") {
      import("node:https").then(({ request }) => {
        const req = request(`${c.server}${path}`, {
          method: "POST",
          ca: sim.caPem,
          headers: { authorization: `Bearer ${token}`, connection: "Upgrade", upgrade },
        });
        req.on("response", (res) => {
          let t = "";
          res.on("data", (d: Buffer) => (t += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(t) }));
        });
        req.on("error", reject);
        req.end();
      }, reject);
      return;
    }
    const ws = new WebSocket(`${c.server.replace("https", "wss")}${path}`, ["v5.channel.k8s.io"], {
      ca: sim.caPem,
      headers: { authorization: `Bearer ${token}` },
    });
    ws.on("unexpected-response", (_req, res) => {
      let t = "";
      res.on("data", (d: Buffer) => (t += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(t) }));
    });
    ws.on("open", () => reject(new Error("upgraded")));
    ws.on("error", () => {});
  });
}
