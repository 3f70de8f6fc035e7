// The ingress controller end to end: real HTTP requests to the simulator's ingress listener (Host
// header), routed through ingress-nginx's objects, Services, Endpoints and NetworkPolicies to the
// containers' apps; AppContext.dial's DNS forms and errors; NodePort allocation and LoadBalancers.
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HTTPD_INDEX } from "./apps/httpd";
import { NGINX_WELCOME } from "./apps/nginx";
import { CONTROLLER_POD_LABELS } from "./ingress-nginx";
import type { NetError } from "./network";
import { R } from "./resources";
import { type SimCluster, type SimClusterImpl, type Simulator, startSimulator } from "./simulator";
import { raw, waitFor } from "./test-helpers";
import type { Obj } from "./util";

let sim: Simulator;
let edge: SimCluster;
let other: SimCluster;
const state = (c: SimCluster) => (c as unknown as SimClusterImpl).state;

const api = (c: SimCluster, method: string, path: string, body?: unknown) =>
  raw(c, sim.caPem, method, path, { body });

/** A GET (or other method) to the ingress listener with a Host header. */
function hit(
  host: string,
  path = "/",
  method = "GET",
): Promise<{ status: number; body: string; headers: Obj }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: sim.ingressPort, path, method, headers: { host }, agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          body += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function ok(r: Promise<{ status: number; json: Obj }>) {
  const res = await r;
  expect(res.status, JSON.stringify(res.json)).toBeLessThan(300);
  return res.json;
}

async function namespace(c: SimCluster, name: string, labels: Record<string, string> = {}) {
  await ok(api(c, "POST", "/api/v1/namespaces", { metadata: { name, labels } }));
}

/** A Deployment of `image` and a Service `name` in front of it (port 80 → the container's named port). */
async function app(
  c: SimCluster,
  ns: string,
  name: string,
  image: string,
  containerPort: number,
  extra: Obj = {},
) {
  const labels = { app: name };
  await ok(
    api(c, "POST", `/apis/apps/v1/namespaces/${ns}/deployments`, {
      metadata: { name },
      spec: {
        replicas: extra.replicas ?? 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              { name: "main", image, ports: [{ name: "http", containerPort }], ...(extra.container ?? {}) },
            ],
          },
        },
      },
    }),
  );
  await ok(
    api(c, "POST", `/api/v1/namespaces/${ns}/services`, {
      metadata: { name },
      spec: { selector: labels, ports: [{ name: "web", port: 80, targetPort: extra.targetPort ?? "http" }] },
    }),
  );
}

const readyEndpoints = (c: SimCluster, ns: string, name: string, n = 1) =>
  waitFor(
    () => {
      const ep = state(c).get(R.ep, ns, name);
      const ready = (ep?.subsets ?? []).flatMap((s: Obj) => s.addresses ?? []);
      return ready.length >= n;
    },
    5000,
    `${ns}/${name} endpoints`,
  );

async function ingress(c: SimCluster, ns: string, name: string, spec: Obj) {
  return ok(
    api(c, "POST", `/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses`, {
      metadata: { name },
      spec: { ingressClassName: "nginx", ...spec },
    }),
  );
}

const backend = (service: string, port: Obj) => ({ service: { name: service, port } });
const rule = (host: string | undefined, paths: [string, string, string, Obj?][]) => ({
  ...(host ? { host } : {}),
  http: {
    paths: paths.map(([path, pathType, svc, port]) => ({
      path,
      pathType,
      backend: backend(svc, port ?? { number: 80 }),
    })),
  },
});

async function policy(c: SimCluster, ns: string, name: string, spec: Obj) {
  await ok(
    api(c, "POST", `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies`, {
      metadata: { name },
      spec,
    }),
  );
}

beforeAll(async () => {
  sim = await startSimulator({
    clusters: [
      {
        name: "edge",
        nodes: [{ name: "edge-1", cpu: "16", memory: "64Gi" }],
        cni: "calico",
        nodeLocalDns: "169.254.20.10",
      },
      { name: "other", nodes: [{ name: "other-1", cpu: "8", memory: "32Gi" }], loadBalancer: true },
    ],
    podStartDelayMs: 30,
    tickMs: 20,
    connectTimeoutMs: 30,
  });
  edge = sim.cluster("edge");
  other = sim.cluster("other");
  await namespace(edge, "shop");
  await app(edge, "shop", "web", "nginx:1.27", 80, { replicas: 2 });
  await app(edge, "shop", "echo", "hashicorp/http-echo:1.0", 5678, {
    container: { args: ["-text=echo says hi"] },
  });
  await app(edge, "shop", "apache", "httpd:2.4", 80);
  await app(edge, "shop", "raw", "registry.example.com/team/worker:1.0", 9000);
  await app(edge, "shop", "wrongport", "nginx:1.27", 80, { targetPort: 8080 });
  await app(edge, "shop", "broken", "registry.example.com/pullerror:1", 80);
  for (const n of ["web", "echo", "apache", "raw", "wrongport"]) await readyEndpoints(edge, "shop", n);
  await readyEndpoints(edge, "shop", "web", 2);
  await ingress(edge, "shop", "shop", {
    rules: [
      rule("shop.apps.edge.localhost", [
        ["/", "Prefix", "web", { name: "web" }],
        ["/api", "Prefix", "echo"],
        ["/exact", "Exact", "apache"],
        ["/img", "ImplementationSpecific", "apache"],
        ["/raw", "Prefix", "raw"],
        ["/wrong", "Prefix", "wrongport"],
        ["/down", "Prefix", "broken"],
        ["/gone", "Prefix", "nosuchservice"],
        ["/badport", "Prefix", "web", { number: 8443 }],
      ]),
      rule("*.wild.apps.edge.localhost", [["/", "Prefix", "apache"]]),
    ],
  });
  await namespace(other, "site");
  await app(other, "site", "home", "nginxinc/nginx-unprivileged:1.27", 8080);
  await readyEndpoints(other, "site", "home");
  await ingress(other, "site", "home", {
    rules: [rule("home.apps.other.localhost", [["/", "Prefix", "home"]])],
  });
}, 30_000);

afterAll(async () => {
  await sim?.stop();
});

describe("ingress-nginx in every cluster", () => {
  it("runs the controller in ingress-nginx with IngressClass nginx (not the default class)", async () => {
    const cls = (await api(edge, "GET", "/apis/networking.k8s.io/v1/ingressclasses/nginx")).json;
    expect(cls.spec.controller).toBe("k8s.io/ingress-nginx");
    expect(cls.metadata.annotations?.["ingressclass.kubernetes.io/is-default-class"]).toBeUndefined();
    const pods = (await api(edge, "GET", "/api/v1/namespaces/ingress-nginx/pods")).json.items as Obj[];
    expect(pods).toHaveLength(1);
    expect(pods[0]?.metadata.labels).toMatchObject(CONTROLLER_POD_LABELS);
    expect(pods[0]?.status.phase).toBe("Running");
    expect(edge.ingressBaseDomain).toBe("apps.edge.localhost");
    expect(sim.ingressPort).toBeGreaterThan(0);
  });

  it("gives an Ingress without a class the default IngressClass (DefaultIngressClass admission), none otherwise", async () => {
    const noClass = { rules: [rule("nc.apps.other.localhost", [["/", "Prefix", "home"]])] };
    const create = (name: string) =>
      ok(
        api(other, "POST", "/apis/networking.k8s.io/v1/namespaces/site/ingresses", {
          metadata: { name },
          spec: noClass,
        }),
      );
    expect((await create("before")).spec.ingressClassName).toBeUndefined();
    expect((await hit("nc.apps.other.localhost")).status).toBe(404);
    const cls = (await api(other, "GET", "/apis/networking.k8s.io/v1/ingressclasses/nginx")).json;
    cls.metadata.annotations = { "ingressclass.kubernetes.io/is-default-class": "true" };
    await ok(api(other, "PUT", "/apis/networking.k8s.io/v1/ingressclasses/nginx", cls));
    expect((await create("after")).spec.ingressClassName).toBe("nginx");
    expect((await hit("nc.apps.other.localhost")).status).toBe(200);
    delete cls.metadata.annotations;
    delete cls.metadata.resourceVersion;
    await ok(api(other, "PUT", "/apis/networking.k8s.io/v1/ingressclasses/nginx", cls));
  });

  it("prints Ingresses as kubectl get does", async () => {
    const r = await raw(edge, sim.caPem, "GET", "/apis/networking.k8s.io/v1/namespaces/shop/ingresses/shop", {
      accept: "application/json;as=Table;v=v1;g=meta.k8s.io",
    });
    expect(r.json.columnDefinitions.map((c: Obj) => c.name)).toEqual([
      "Name",
      "Class",
      "Hosts",
      "Address",
      "Ports",
      "Age",
    ]);
    expect(r.json.rows[0].cells.slice(0, 5)).toEqual([
      "shop",
      "nginx",
      "shop.apps.edge.localhost,*.wild.apps.edge.localhost",
      "127.0.0.1",
      "80",
    ]);
  });

  it("publishes 127.0.0.1 in the status of the Ingresses it serves, not of other classes", async () => {
    await ingress(edge, "shop", "traefik-one", {
      ingressClassName: "traefik",
      rules: [rule("t.apps.edge.localhost", [["/", "Prefix", "web"]])],
    });
    const st = await waitFor(
      async () =>
        (await api(edge, "GET", "/apis/networking.k8s.io/v1/namespaces/shop/ingresses/shop")).json.status
          ?.loadBalancer?.ingress,
    );
    expect(st).toEqual([{ ip: "127.0.0.1" }]);
    const t = (await api(edge, "GET", "/apis/networking.k8s.io/v1/namespaces/shop/ingresses/traefik-one"))
      .json;
    expect(t.status?.loadBalancer?.ingress).toBeUndefined();
    expect((await hit("t.apps.edge.localhost")).status).toBe(404);
  });
});

describe("routing like ingress-nginx", () => {
  it.each([
    ["shop.apps.edge.localhost", "/", 200, NGINX_WELCOME],
    ["shop.apps.edge.localhost", "/index.html", 200, NGINX_WELCOME],
    ["SHOP.apps.edge.localhost:8080", "/", 200, NGINX_WELCOME],
    ["shop.apps.edge.localhost", "/api", 200, "echo says hi\n"],
    ["shop.apps.edge.localhost", "/api/v1/items?x=1", 200, "echo says hi\n"],
    // Prefix matches whole path elements: /apix is not under /api, so / (nginx) answers.
    ["shop.apps.edge.localhost", "/apix", 404, "<hr><center>nginx/1.27.3</center>"],
    // Exact: httpd gets /exact, which it does not have.
    ["shop.apps.edge.localhost", "/exact", 404, "The requested URL was not found on this server."],
    ["shop.apps.edge.localhost", "/exact/", 404, "nginx/1.27.3"],
    // ImplementationSpecific is nginx's string prefix: /imgs is under /img.
    ["shop.apps.edge.localhost", "/imgs", 404, "The requested URL was not found on this server."],
    ["a.wild.apps.edge.localhost", "/", 200, HTTPD_INDEX],
    ["home.apps.other.localhost", "/", 200, NGINX_WELCOME],
  ])("%s%s → %i", async (host, path, status, body) => {
    const r = await hit(host, path);
    expect(r.status).toBe(status);
    expect(r.body).toContain(body);
  });

  it("round-robins across the ready endpoints", async () => {
    const served = new Map<string, number>();
    for (const pod of state(edge)
      .list(R.pod, "shop")
      .filter((p) => p.metadata.labels?.app === "web")) {
      const run = state(edge).network.runningApp(pod, "main");
      const http = run?.app.http?.bind(run.app);
      if (!run || !http) throw new Error("nginx is not running");
      run.app.http = (port, req, ctx) => {
        served.set(pod.metadata.name, (served.get(pod.metadata.name) ?? 0) + 1);
        return http(port, req, ctx);
      };
    }
    for (let i = 0; i < 4; i++) expect((await hit("shop.apps.edge.localhost")).status).toBe(200);
    expect([...served.values()]).toEqual([2, 2]);
  });

  it("answers HEAD with the headers only", async () => {
    const r = await hit("shop.apps.edge.localhost", "/", "HEAD");
    expect(r.status).toBe(200);
    expect(r.body).toBe("");
    expect(r.headers["content-length"]).toBe(String(Buffer.byteLength(NGINX_WELCOME)));
  });

  it.each([
    ["an unknown host", "nobody.apps.edge.localhost", "/", 404, "404 Not Found"],
    ["a host under no cluster", "example.com", "/", 404, "404 Not Found"],
    ["a wildcard two labels deep", "a.b.wild.apps.edge.localhost", "/", 404, "404 Not Found"],
    [
      "a Service without ready endpoints",
      "shop.apps.edge.localhost",
      "/down",
      503,
      "503 Service Temporarily Unavailable",
    ],
    ["a missing Service", "shop.apps.edge.localhost", "/gone", 503, "503 Service Temporarily Unavailable"],
    [
      "a port the Service lacks",
      "shop.apps.edge.localhost",
      "/badport",
      503,
      "503 Service Temporarily Unavailable",
    ],
    ["a container without a known HTTP app", "shop.apps.edge.localhost", "/raw", 502, "502 Bad Gateway"],
    ["a target port nothing listens on", "shop.apps.edge.localhost", "/wrong", 502, "502 Bad Gateway"],
  ])("%s (%s%s) → %i with ingress-nginx's page", async (_what, host, path, status, title) => {
    const r = await hit(host, path);
    expect(r.status).toBe(status);
    expect(r.body).toContain(`<center><h1>${title}</h1></center>`);
    expect(r.body).toContain("<hr><center>nginx</center>");
  });

  it("falls back to the Ingress's defaultBackend for unmatched paths", async () => {
    await ingress(edge, "shop", "fallback", {
      defaultBackend: backend("apache", { number: 80 }),
      rules: [rule("fb.apps.edge.localhost", [["/", "Exact", "web"]])],
    });
    expect((await hit("fb.apps.edge.localhost", "/")).body).toBe(NGINX_WELCOME);
    expect((await hit("fb.apps.edge.localhost", "/index.html")).body).toBe(HTTPD_INDEX);
  });
});

describe("the listener", () => {
  it("refuses a body over ingress-nginx's proxy-body-size (1 MiB) with 413", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: sim.ingressPort,
          path: "/api",
          method: "POST",
          headers: { host: "shop.apps.edge.localhost", "content-type": "application/octet-stream" },
          agent: false,
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end(Buffer.alloc(1024 * 1024 + 1));
    });
    expect(status).toBe(413);
  });

  it("resets the connection while no controller pod is ready, and serves again once one is", async () => {
    const scale = async (replicas: number) => {
      const d = (
        await api(other, "GET", "/apis/apps/v1/namespaces/ingress-nginx/deployments/ingress-nginx-controller")
      ).json;
      d.spec.replicas = replicas;
      await ok(
        api(other, "PUT", "/apis/apps/v1/namespaces/ingress-nginx/deployments/ingress-nginx-controller", d),
      );
    };
    await scale(0);
    await waitFor(() => state(other).list(R.pod, "ingress-nginx").length === 0, 5000, "controller gone");
    await expect(hit("home.apps.other.localhost")).rejects.toThrow(/socket hang up|ECONNRESET/);
    await scale(1);
    await waitFor(
      async () => (await hit("home.apps.other.localhost")).status === 200,
      5000,
      "controller back",
    );
  });

  it("keeps its port across restarts with a state file, like the API listeners", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-ingress-"));
    const opts = {
      clusters: [{ name: "keep", nodes: [{ name: "keep-1", cpu: "1", memory: "1Gi" }] }],
      stateFile: join(dir, "state.json"),
    };
    const first = await startSimulator(opts);
    const port = first.ingressPort;
    await first.stop();
    const second = await startSimulator(opts);
    try {
      expect(second.ingressPort).toBe(port);
    } finally {
      await second.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses clusters whose base domains overlap", async () => {
    await expect(
      startSimulator({
        clusters: [
          {
            name: "a",
            nodes: [{ name: "a-1", cpu: "1", memory: "1Gi" }],
            ingressBaseDomain: "apps.example.localhost",
          },
          {
            name: "b",
            nodes: [{ name: "b-1", cpu: "1", memory: "1Gi" }],
            ingressBaseDomain: "x.apps.example.localhost",
          },
        ],
      }),
    ).rejects.toThrow("cluster b: ingress base domain x.apps.example.localhost overlaps another cluster's");
  });
});

describe("NetworkPolicy between the ingress controller and a lease", () => {
  const host = "lease.apps.edge.localhost";
  beforeAll(async () => {
    await namespace(edge, "kb-lease-7");
    await app(edge, "kb-lease-7", "site", "nginx:1.27", 80);
    await readyEndpoints(edge, "kb-lease-7", "site");
    await ingress(edge, "kb-lease-7", "site", { rules: [rule(host, [["/", "Prefix", "site"]])] });
  });

  it("504 while the policy admits only the namespace itself, 200 once it admits ingress-nginx on the port", async () => {
    expect((await hit(host)).status).toBe(200);
    await policy(edge, "kb-lease-7", "same-namespace", {
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: {} }] }],
    });
    const blocked = await hit(host);
    expect(blocked.status).toBe(504);
    expect(blocked.body).toContain("504 Gateway Time-out");
    // A peer for the controller's namespace on another port still does not admit it.
    await policy(edge, "kb-lease-7", "ingress-wrong-port", {
      podSelector: {},
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }],
          ports: [{ port: 443 }],
        },
      ],
    });
    expect((await hit(host)).status).toBe(504);
    await policy(edge, "kb-lease-7", "from-ingress", {
      podSelector: {},
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } },
              podSelector: { matchLabels: { "app.kubernetes.io/name": "ingress-nginx" } },
            },
          ],
          ports: [{ port: "http", protocol: "TCP" }],
        },
      ],
    });
    const open = await hit(host);
    expect(open.status).toBe(200);
    expect(open.body).toBe(NGINX_WELCOME);
  });
});

describe("AppContext.dial", () => {
  let client: Obj;
  const dial = (host: string, port: number, from?: Obj) => {
    const pod = from ?? client;
    return state(edge).network.appContext(pod, "main").dial(host, port);
  };
  const dialError = async (host: string, port: number, from?: Obj) =>
    dial(host, port, from).then(
      () => "connected",
      (e: NetError) => e.message,
    );

  beforeAll(async () => {
    await namespace(edge, "dns");
    await app(edge, "dns", "client", "nginx:1.27", 80);
    await app(edge, "dns", "empty", "registry.example.com/pullerror:2", 80);
    await readyEndpoints(edge, "dns", "client");
    client = state(edge)
      .list(R.pod, "dns")
      .find((p) => p.metadata.labels?.app === "client") as Obj;
  });

  it.each([
    ["web.shop", 80],
    ["web.shop.svc", 80],
    ["web.shop.svc.cluster.local", 80],
    ["web.shop.svc.cluster.local.", 80],
  ])("resolves %s to a ready nginx", async (host, port) => {
    const d = await dial(host, port);
    expect(d.pod.metadata.namespace).toBe("shop");
    expect(d.pod.metadata.labels.app).toBe("web");
    expect(d.ctx.pod.metadata.name).toBe(d.pod.metadata.name);
    const res = await d.app.http?.(
      80,
      { method: "GET", path: "/", headers: {}, body: Buffer.alloc(0) },
      d.ctx,
    );
    expect(res?.body).toBe(NGINX_WELCOME);
  });

  it("resolves a headless Service to its ready pods, dialled on the port given", async () => {
    await ok(
      api(edge, "POST", "/api/v1/namespaces/shop/services", {
        metadata: { name: "web-pods" },
        spec: { clusterIP: "None", selector: { app: "web" }, ports: [{ name: "web", port: 80 }] },
      }),
    );
    await readyEndpoints(edge, "shop", "web-pods", 2);
    const d = await dial("web-pods.shop", 80);
    expect(d.pod.metadata.labels.app).toBe("web");
    expect(await dialError("web-pods.shop", 8080)).toMatch(/^connect ECONNREFUSED 10\.244\.\d+\.\d+:8080$/);
  });

  it("resolves a bare name in the pod's own namespace, and cluster and pod IPs", async () => {
    expect((await dial("client", 80)).pod.metadata.namespace).toBe("dns");
    const svc = state(edge).get(R.svc, "shop", "echo") as Obj;
    expect((await dial(svc.spec.clusterIP, 80)).pod.metadata.labels.app).toBe("echo");
    const webPod = state(edge)
      .list(R.pod, "shop")
      .find((p) => p.metadata.labels?.app === "web") as Obj;
    expect((await dial(webPod.status.podIP, 80)).pod.metadata.name).toBe(webPod.metadata.name);
  });

  it.each([
    ["web", 80, "getaddrinfo ENOTFOUND web"],
    ["web.nowhere", 80, "getaddrinfo ENOTFOUND web.nowhere"],
    ["empty", 80, "connect ECONNREFUSED"],
    ["web.shop", 81, "connect ECONNREFUSED"],
  ])("%s:%i fails with %s", async (host, port, msg) => {
    expect(await dialError(host, port)).toContain(msg);
  });

  it("the pod IP of a port nothing listens on is refused", async () => {
    const webPod = state(edge)
      .list(R.pod, "shop")
      .find((p) => p.metadata.labels?.app === "web") as Obj;
    expect(await dialError(webPod.status.podIP, 8080)).toBe(
      `connect ECONNREFUSED ${webPod.status.podIP}:8080`,
    );
  });

  it("egress to the internet only (private ranges excepted) blocks same-namespace pods unless a podSelector rule allows them", async () => {
    await namespace(edge, "egress");
    await app(edge, "egress", "front", "nginx:1.27", 80);
    await app(edge, "egress", "back", "httpd:2.4", 80);
    await readyEndpoints(edge, "egress", "front");
    await readyEndpoints(edge, "egress", "back");
    const front = state(edge)
      .list(R.pod, "egress")
      .find((p) => p.metadata.labels?.app === "front") as Obj;
    const backIp = state(edge).get(R.svc, "egress", "back")?.spec.clusterIP;
    await policy(edge, "egress", "egress", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ namespaceSelector: {}, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
          ports: [
            { port: 53, protocol: "UDP" },
            { port: 53, protocol: "TCP" },
          ],
        },
        {
          to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] } }],
        },
      ],
    });
    expect(await dialError("back", 80, front)).toBe(`connect ETIMEDOUT ${backIp}:80`);
    expect(await dialError("web.shop", 80, front)).toContain("connect ETIMEDOUT");
    await policy(edge, "egress", "same-namespace", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ to: [{ podSelector: {} }] }],
    });
    expect((await dial("back", 80, front)).pod.metadata.labels.app).toBe("back");
    expect(await dialError("web.shop", 80, front)).toContain("connect ETIMEDOUT");
  });

  it("a pod whose egress policy leaves out DNS cannot resolve names (EAI_AGAIN) but can dial IPs it may reach", async () => {
    await namespace(edge, "nodns");
    await app(edge, "nodns", "lonely", "nginx:1.27", 80);
    await readyEndpoints(edge, "nodns", "lonely");
    const lonely = state(edge).list(R.pod, "nodns")[0] as Obj;
    await policy(edge, "nodns", "only-shop", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "shop" } } }] }],
    });
    expect(await dialError("web.shop", 80, lonely)).toBe("getaddrinfo EAI_AGAIN web.shop");
    const webIp = state(edge).get(R.svc, "shop", "web")?.spec.clusterIP;
    expect((await dial(webIp, 80, lonely)).pod.metadata.labels.app).toBe("web");
    // Egress to the NodeLocal DNS cache's link-local address is enough to resolve.
    await policy(edge, "nodns", "node-local-dns", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: "169.254.20.10/32" } }], ports: [{ port: 53, protocol: "UDP" }] }],
    });
    expect((await dial("web.shop", 80, lonely)).pod.metadata.labels.app).toBe("web");
  });
});

describe("NodePort and LoadBalancer Services", () => {
  const svc = (name: string, type: string, ports: Obj[], extra: Obj = {}) =>
    api(edge, "POST", "/api/v1/namespaces/shop/services", {
      metadata: { name },
      spec: { type, selector: { app: "web" }, ports, ...extra },
    });

  it("allocates unique nodePorts in 30000-32767 and refuses taken or out-of-range ones", async () => {
    const a = await svc("np-a", "NodePort", [
      { name: "a", port: 80, nodePort: 30080 },
      { name: "b", port: 81 },
    ]);
    expect(a.status).toBe(201);
    const auto = a.json.spec.ports[1].nodePort;
    expect(auto).toBeGreaterThanOrEqual(30000);
    expect(auto).toBeLessThanOrEqual(32767);
    expect(auto).not.toBe(30080);
    const taken = await svc("np-b", "NodePort", [{ port: 80, nodePort: 30080 }]);
    expect(taken.status).toBe(422);
    expect(taken.json.message).toBe(
      'Service "np-b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    );
    const range = await svc("np-c", "NodePort", [{ port: 80, nodePort: 8080 }]);
    expect(range.status).toBe(422);
    expect(range.json.message).toBe(
      'Service "np-c" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    // An update keeps its own ports; the port is free again once the Service is gone.
    const cur = (await api(edge, "GET", "/api/v1/namespaces/shop/services/np-a")).json;
    cur.metadata.labels = { touched: "yes" };
    expect((await api(edge, "PUT", "/api/v1/namespaces/shop/services/np-a", cur)).status).toBe(200);
    await ok(api(edge, "DELETE", "/api/v1/namespaces/shop/services/np-a"));
    expect((await svc("np-b", "NodePort", [{ port: 80, nodePort: 30080 }])).status).toBe(201);
  });

  it("counts node ports per port against services.nodeports", async () => {
    await namespace(edge, "quota");
    await ok(
      api(edge, "POST", "/api/v1/namespaces/quota/resourcequotas", {
        metadata: { name: "q" },
        spec: { hard: { "services.nodeports": "2", "services.loadbalancers": "0" } },
      }),
    );
    const three = await api(edge, "POST", "/api/v1/namespaces/quota/services", {
      metadata: { name: "three" },
      spec: {
        type: "NodePort",
        selector: { a: "b" },
        ports: [1, 2, 3].map((p) => ({ name: `p${p}`, port: p })),
      },
    });
    expect(three.status).toBe(403);
    expect(three.json.message).toContain("exceeded quota: q, requested: services.nodeports=3");
    const lb = await api(edge, "POST", "/api/v1/namespaces/quota/services", {
      metadata: { name: "lb" },
      spec: { type: "LoadBalancer", selector: { a: "b" }, ports: [{ port: 80 }] },
    });
    expect(lb.status).toBe(403);
    expect(lb.json.message).toContain("services.loadbalancers=1");
    // Turning a ClusterIP Service into a NodePort is counted too.
    const plain = await ok(
      api(edge, "POST", "/api/v1/namespaces/quota/services", {
        metadata: { name: "plain" },
        spec: { selector: { a: "b" }, ports: [1, 2, 3].map((p) => ({ name: `p${p}`, port: p })) },
      }),
    );
    plain.spec.type = "NodePort";
    const turned = await api(edge, "PUT", "/api/v1/namespaces/quota/services/plain", plain);
    expect(turned.status).toBe(403);
    expect(turned.json.message).toContain("requested: services.nodeports=3, used: services.nodeports=0");
    plain.spec.ports = plain.spec.ports.slice(0, 2);
    expect((await api(edge, "PUT", "/api/v1/namespaces/quota/services/plain", plain)).status).toBe(200);
  });

  it("a LoadBalancer stays pending without a provider and gets 127.0.0.1 with one", async () => {
    const pending = await svc("lb", "LoadBalancer", [{ port: 80 }], {
      status: { loadBalancer: { ingress: [{ ip: "1.2.3.4" }] } },
    });
    expect(pending.status).toBe(201);
    expect(pending.json.status).toEqual({ loadBalancer: {} });
    await new Promise((r) => setTimeout(r, 100));
    expect((await api(edge, "GET", "/api/v1/namespaces/shop/services/lb")).json.status).toEqual({
      loadBalancer: {},
    });
    await ok(
      api(other, "POST", "/api/v1/namespaces/site/services", {
        metadata: { name: "lb" },
        spec: { type: "LoadBalancer", selector: { app: "home" }, ports: [{ port: 80 }] },
      }),
    );
    const st = await waitFor(
      async () =>
        (await api(other, "GET", "/api/v1/namespaces/site/services/lb")).json.status?.loadBalancer?.ingress,
    );
    expect(st).toEqual([{ ip: "127.0.0.1", ipMode: "VIP" }]);
  });
});
