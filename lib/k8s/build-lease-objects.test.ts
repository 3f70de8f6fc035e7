import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalizeManifest, type ManifestInput, secretDigest } from "@/lib/market/manifest";
import { buildLeaseObjects, type K8sObject, LABELS, type LeaseWorkloadInput } from "./build-lease-objects";
import type { ClusterExposure } from "./cluster-exposure";

// The objects of v2 leases, checked against what kube-apiserver accepts (names, ports) and what the
// lease must be (isolation, quota, volumes, secrets, exposure), and v1 leases against what the
// v1-only builder made.

const tenant = "0x1111111111111111111111111111111111111111";
const salt = `0x${"22".repeat(32)}` as const;

const nodeports: ClusterExposure = {
  ingressClass: "nginx",
  ingressNamespace: "ingress-nginx",
  ingressPodLabels: { "app.kubernetes.io/name": "ingress-nginx" },
  baseDomain: "apps.example.com",
  tls: { kind: "cert-manager", issuerKind: "ClusterIssuer", issuer: "letsencrypt" },
  ports: "nodeport",
};

/** A web front and a postgres with a volume and a secret: what a typical tenant deploys. */
const shop: ManifestInput = {
  version: 2,
  name: "shop",
  services: [
    {
      name: "web",
      image: "nginx:1.27",
      env: [
        { name: "DB_HOST", value: "db" },
        { name: "DB_PASSWORD", secret: "db-password" },
      ],
      ports: [{ name: "http", port: 80, expose: "http" }, { port: 8080, expose: "internal" }, { port: 9000 }],
      replicas: 2,
      resources: { cpu: 500, memory: 256, storage: 512 },
      readiness: { http: { path: "/healthz", port: "http" }, periodSeconds: 5, failureThreshold: 3 },
      liveness: { tcp: { port: 80 }, initialDelaySeconds: 10 },
    },
    {
      name: "db",
      image: "postgres:16",
      env: [
        { name: "POSTGRES_PASSWORD", secret: "db-password" },
        { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
      ],
      ports: [
        { name: "pg", port: 5432, expose: "tcp" },
        { port: 5353, protocol: "UDP", expose: "udp" },
      ],
      resources: { cpu: 1000, memory: 1024, storage: 1024, gpu: { count: 0 } },
      readiness: { exec: { command: ["pg_isready"] }, timeoutSeconds: 2, successThreshold: 2 },
      volumes: [
        { name: "data", mount: "/var/lib/postgresql/data", size: 2048, storageClass: "fast" },
        { name: "wal", mount: "/wal", size: 512, storageClass: "slow" },
      ],
    },
  ],
  secrets: [{ name: "db-password", digest: secretDigest(salt, "s3cret") }],
};

function build(input: ManifestInput, more: Partial<LeaseWorkloadInput> = {}) {
  const { manifest, specHash } = canonicalizeManifest(input);
  return buildLeaseObjects({
    leaseId: "77",
    tenant,
    specHash,
    manifest,
    exposure: nodeports,
    secretValues: { "db-password": "s3cret" },
    ...more,
  }).objects;
}

// biome-ignore lint/suspicious/noExplicitAny: test access to object specs
type Any = any;
const find = (objects: K8sObject[], kind: string, name: string): Any => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o)
    throw new Error(`no ${kind}/${name} in ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(", ")}`);
  return o;
};

// kube-apiserver: most namespaced names are DNS-1123 subdomains, Services DNS-1035 labels; port
// names IANA service names (IsValidPortName), unique within a Service.
const dns1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const ianaPortName = (n: string) =>
  n.length <= 15 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(n) && /[a-z]/.test(n) && !n.includes("--");

describe("buildLeaseObjects, v2", () => {
  const objects = build(shop);

  it("builds every part of the deployment, in apply order", () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "Namespace/kb-lease-77",
      "ResourceQuota/kb-quota",
      "LimitRange/kb-limits",
      "NetworkPolicy/kb-ingress-same-namespace",
      "NetworkPolicy/kb-egress",
      "NetworkPolicy/kb-http-web",
      "NetworkPolicy/kb-public-db",
      "Secret/kb-secrets",
      "PersistentVolumeClaim/db-data",
      "PersistentVolumeClaim/db-wal",
      "Service/web",
      "Service/db",
      "Service/db-public",
      "Deployment/web",
      "Deployment/db",
      "Ingress/web",
    ]);
  });

  it("gives every object a name and ports kube-apiserver accepts, and labels the workload's for pruning", () => {
    for (const o of objects) {
      expect(o.metadata.name.length, o.metadata.name).toBeLessThanOrEqual(o.kind === "Namespace" ? 63 : 253);
      expect(o.metadata.name).toMatch(o.kind === "Service" ? dns1035 : dns1123Subdomain);
      if (o.kind === "Namespace") expect(o.metadata.labels?.[LABELS.part]).toBeUndefined();
      else {
        expect(o.metadata.namespace).toBe("kb-lease-77");
        expect(o.metadata.labels?.[LABELS.part]).toBe("workload");
      }
    }
    for (const svc of objects.filter((o) => o.kind === "Service") as Any[]) {
      const names = svc.spec.ports.map((p: { name: string }) => p.name);
      expect(new Set(names).size).toBe(names.length);
      for (const n of names) expect(ianaPortName(n), n).toBe(true);
      for (const p of svc.spec.ports) expect(p.targetPort).toBe(p.port);
    }
  });

  it("puts every port of a service on its ClusterIP Service, and only TCP/UDP ones on its NodePort Service", () => {
    expect(find(objects, "Service", "web").spec).toEqual({
      type: "ClusterIP",
      selector: { [LABELS.lease]: "77", "app.kubernetes.io/name": "web" },
      ports: [
        { name: "http", port: 80, targetPort: 80, protocol: "TCP" },
        { name: "tcp-8080", port: 8080, targetPort: 8080, protocol: "TCP" },
        { name: "tcp-9000", port: 9000, targetPort: 9000, protocol: "TCP" },
      ],
    });
    expect(find(objects, "Service", "db-public").spec).toEqual({
      type: "NodePort",
      selector: { [LABELS.lease]: "77", "app.kubernetes.io/name": "db" },
      ports: [
        { name: "pg", port: 5432, targetPort: 5432, protocol: "TCP" },
        { name: "udp-5353", port: 5353, targetPort: 5353, protocol: "UDP" },
      ],
    });
    const lb = build(shop, { exposure: { ...nodeports, ports: "loadbalancer" } });
    expect(find(lb, "Service", "db-public").spec.type).toBe("LoadBalancer");
    expect(find(lb, "ResourceQuota", "kb-quota").spec.hard).toMatchObject({
      services: "3",
      "services.loadbalancers": "1",
      "services.nodeports": "2",
    });
  });

  it("routes one host per service to its first HTTP port, with TLS from cert-manager", () => {
    expect(find(objects, "Ingress", "web")).toMatchObject({
      metadata: { annotations: { "cert-manager.io/cluster-issuer": "letsencrypt" } },
      spec: {
        ingressClassName: "nginx",
        tls: [{ hosts: ["web-77.apps.example.com"], secretName: "web-tls" }],
        rules: [
          {
            host: "web-77.apps.example.com",
            http: {
              paths: [
                {
                  path: "/",
                  pathType: "Prefix",
                  backend: { service: { name: "web", port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    });
    const issuer = build(shop, {
      exposure: { ...nodeports, tls: { kind: "cert-manager", issuerKind: "Issuer", issuer: "le" } },
    });
    expect(find(issuer, "Ingress", "web").metadata.annotations).toEqual({ "cert-manager.io/issuer": "le" });
    // A wildcard Secret lives in the provider's namespace: the host is listed for the controller's default certificate.
    const wildcard = build(shop, {
      exposure: { ...nodeports, tls: { kind: "secret", namespace: "ingress-nginx", name: "wildcard" } },
    });
    expect(find(wildcard, "Ingress", "web").spec.tls).toEqual([{ hosts: ["web-77.apps.example.com"] }]);
    expect(find(wildcard, "Ingress", "web").metadata.annotations).toBeUndefined();
    const plain = build(shop, { exposure: { ...nodeports, tls: null } });
    expect(find(plain, "Ingress", "web").spec.tls).toBeUndefined();
  });

  it("admits the ingress controller only on the routed HTTP port, anyone only on NodePort ports", () => {
    expect(find(objects, "NetworkPolicy", "kb-http-web").spec).toEqual({
      podSelector: { matchLabels: { [LABELS.lease]: "77", "app.kubernetes.io/name": "web" } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } },
              podSelector: { matchLabels: { "app.kubernetes.io/name": "ingress-nginx" } },
            },
          ],
          ports: [{ protocol: "TCP", port: 80 }],
        },
      ],
    });
    expect(find(objects, "NetworkPolicy", "kb-public-db").spec).toEqual({
      podSelector: { matchLabels: { [LABELS.lease]: "77", "app.kubernetes.io/name": "db" } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }],
          ports: [
            { protocol: "TCP", port: 5432 },
            { protocol: "UDP", port: 5353 },
          ],
        },
      ],
    });
    expect(find(objects, "NetworkPolicy", "kb-ingress-same-namespace").spec).toEqual({
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: {} }] }],
    });
    // Without ingressPodLabels the whole controller namespace is the peer.
    const noLabels = build(shop, { exposure: { ...nodeports, ingressPodLabels: undefined } });
    expect(find(noLabels, "NetworkPolicy", "kb-http-web").spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } },
    ]);
    // A deployment with internal ports only opens nothing beyond the namespace.
    const internal = build({
      ...shop,
      services: [
        {
          name: "worker",
          image: "busybox:1.36",
          ports: [{ port: 7000 }],
          resources: { cpu: 100, memory: 64 },
        },
      ],
      secrets: undefined,
    } as ManifestInput);
    expect(internal.filter((o) => o.kind === "NetworkPolicy").map((o) => o.metadata.name)).toEqual([
      "kb-ingress-same-namespace",
      "kb-egress",
    ]);
  });

  it("sizes quota and limits to the sum and the largest of the services", () => {
    expect(find(objects, "ResourceQuota", "kb-quota").spec.hard).toEqual({
      "requests.cpu": "2000m",
      "limits.cpu": "2000m",
      "requests.memory": "1536Mi",
      "limits.memory": "1536Mi",
      "requests.ephemeral-storage": "2048Mi",
      "limits.ephemeral-storage": "2048Mi",
      "requests.nvidia.com/gpu": "0",
      pods: "3",
      services: "3",
      "services.nodeports": "2",
      "services.loadbalancers": "0",
      persistentvolumeclaims: "2",
      "requests.storage": "2560Mi",
      "fast.storageclass.storage.k8s.io/requests.storage": "2048Mi",
      "fast.storageclass.storage.k8s.io/persistentvolumeclaims": "1",
      "slow.storageclass.storage.k8s.io/requests.storage": "512Mi",
      "slow.storageclass.storage.k8s.io/persistentvolumeclaims": "1",
    });
    const max = { cpu: "1000m", memory: "1024Mi", "ephemeral-storage": "1024Mi" };
    expect(find(objects, "LimitRange", "kb-limits").spec.limits).toEqual([
      { type: "Container", default: max, defaultRequest: max, max },
    ]);
  });

  it("claims each volume as <service>-<volume> and mounts it at its path, beside /tmp", () => {
    expect(find(objects, "PersistentVolumeClaim", "db-data").spec).toEqual({
      accessModes: ["ReadWriteOnce"],
      storageClassName: "fast",
      resources: { requests: { storage: "2048Mi" } },
    });
    const pod = find(objects, "Deployment", "db").spec.template.spec;
    expect(pod.volumes).toEqual([
      { name: "tmp", emptyDir: { sizeLimit: "1024Mi" } },
      { name: "vol-data", persistentVolumeClaim: { claimName: "db-data" } },
      { name: "vol-wal", persistentVolumeClaim: { claimName: "db-wal" } },
    ]);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: "tmp", mountPath: "/tmp" },
      { name: "vol-data", mountPath: "/var/lib/postgresql/data" },
      { name: "vol-wal", mountPath: "/wal" },
    ]);
    expect(find(objects, "Deployment", "db").spec.strategy).toEqual({ type: "Recreate" });
  });

  it("puts secret values in kb-secrets and references them from env, never inline", () => {
    const secret = find(objects, "Secret", "kb-secrets");
    expect(secret.type).toBe("Opaque");
    expect(secret.data).toEqual({ "db-password": Buffer.from("s3cret").toString("base64") });
    const env = find(objects, "Deployment", "db").spec.template.spec.containers[0].env;
    expect(env).toEqual([
      { name: "POSTGRES_PASSWORD", valueFrom: { secretKeyRef: { name: "kb-secrets", key: "db-password" } } },
      { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
    ]);
    for (const o of objects.filter((x) => x.kind !== "Secret"))
      expect(JSON.stringify(o)).not.toContain("s3cret");
    expect(() => build(shop, { secretValues: {} })).toThrow(/secret "db-password" is missing/);
  });

  it("maps checks to probes with their thresholds", () => {
    const web = find(objects, "Deployment", "web").spec.template.spec.containers[0];
    expect(web.readinessProbe).toEqual({
      httpGet: { path: "/healthz", port: "http" },
      periodSeconds: 5,
      failureThreshold: 3,
    });
    expect(web.livenessProbe).toEqual({ tcpSocket: { port: 80 }, initialDelaySeconds: 10 });
    expect(find(objects, "Deployment", "db").spec.template.spec.containers[0].readinessProbe).toEqual({
      exec: { command: ["pg_isready"] },
      timeoutSeconds: 2,
      successThreshold: 2,
    });
  });

  it("runs pods in a user namespace only where the cluster supports it", () => {
    expect(find(objects, "Deployment", "web").spec.template.spec).not.toHaveProperty("hostUsers");
    const userns = build(shop, { userNamespaces: true });
    expect(find(userns, "Deployment", "web").spec.template.spec.hostUsers).toBe(false);
  });

  it.each<[string, ManifestInput, Partial<LeaseWorkloadInput>, RegExp]>([
    [
      "HTTP on a cluster without an IngressClass",
      shop,
      { exposure: null },
      /"web" exposes port 80 over HTTP, but this cluster offers no HTTP exposure/,
    ],
    [
      "TCP on a cluster without NodePorts",
      shop,
      { exposure: { ...nodeports, ports: "none" } },
      /"db" exposes port 5432\/TCP, but this cluster offers no TCP\/UDP exposure/,
    ],
    [
      "a StorageClass the cluster does not offer",
      shop,
      { storageClasses: ["fast"] },
      /StorageClass "slow", which this cluster does not offer/,
    ],
    [
      "a host name label over 63 characters",
      {
        ...shop,
        services: shop.services.map((x) => (x.name === "web" ? { ...x, name: "storefront-web" } : x)),
      } as ManifestInput,
      { leaseId: "1".repeat(54) },
      /"storefront-web-1{54}" is too long for a host name label/,
    ],
    [
      "a host name over 253 characters",
      shop,
      {
        leaseId: "1".repeat(54),
        exposure: {
          ...nodeports,
          baseDomain: `${"d".repeat(63)}.${"e".repeat(63)}.${"f".repeat(63)}.example`,
        },
      },
      /^The host "web-1{54}\.d+.*" is longer than 253 characters\.$/,
    ],
  ])("refuses %s", (_what, input, more, message) => {
    expect(() => build(input, more)).toThrow(
      expect.objectContaining({ code: "UNPROCESSABLE", message: expect.stringMatching(message) }),
    );
  });

  it("refuses two services whose objects would share a name", () => {
    const clash = {
      version: 2,
      name: "clash",
      services: [
        {
          name: "db",
          image: "postgres:16",
          ports: [{ port: 5432, expose: "tcp" }],
          resources: { cpu: 100, memory: 64 },
        },
        {
          name: "db-public",
          image: "nginx:1.27",
          ports: [{ port: 80 }],
          resources: { cpu: 100, memory: 64 },
        },
      ],
    } as ManifestInput;
    expect(() => build(clash)).toThrow(
      expect.objectContaining({
        code: "INVALID_MANIFEST",
        message: 'Two parts of the deployment would both be Service "db-public".',
      }),
    );
  });
});

describe("buildLeaseObjects, autoscaled services", () => {
  const autoscaled: ManifestInput = {
    ...shop,
    services: shop.services.map((s) =>
      s.name === "web"
        ? { ...s, replicas: 2, autoscale: { min: 2, max: 5, cpuPercent: 70, memoryPercent: 80 } }
        : s,
    ),
  };
  const { manifest, specHash } = canonicalizeManifest(autoscaled);
  const built = buildLeaseObjects({
    leaseId: "77",
    tenant,
    specHash,
    manifest,
    exposure: nodeports,
    secretValues: { "db-password": "s3cret" },
  });

  it("adds an autoscaling/v2 HPA on the Deployment, labelled for pruning, after the Deployments", () => {
    const names = built.objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names.indexOf("HorizontalPodAutoscaler/web")).toBe(names.indexOf("Deployment/db") + 1);
    const hpa = find(built.objects, "HorizontalPodAutoscaler", "web");
    expect(hpa.apiVersion).toBe("autoscaling/v2");
    expect(hpa.metadata.labels[LABELS.part]).toBe("workload");
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
        },
        {
          type: "Resource",
          resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } },
        },
      ],
    });
  });

  it("leaves the Deployment's replicas to the HPA and hands back the initial count", () => {
    expect(find(built.objects, "Deployment", "web").spec).not.toHaveProperty("replicas");
    expect(find(built.objects, "Deployment", "db").spec.replicas).toBe(1);
    expect(built.initialReplicas).toEqual({ web: 2 });
  });

  it("buys quota for the max replicas", () => {
    const hard = find(built.objects, "ResourceQuota", "kb-quota").spec.hard;
    // web 500m/256Mi/512Mi × 5 + db 1000m/1024Mi/1024Mi × 1
    expect(hard).toMatchObject({
      "requests.cpu": "3500m",
      "requests.memory": "2304Mi",
      "requests.ephemeral-storage": "3584Mi",
      pods: "6",
    });
  });

  it("builds no HPA for a manifest without autoscale", () => {
    expect(build(shop).some((o) => o.kind === "HorizontalPodAutoscaler")).toBe(false);
  });
});

describe("buildLeaseObjects, v1", () => {
  // The objects the v1-only builder (commit e2bbb1a) made for this manifest: a v1 lease deploys the
  // same objects, plus the pruning label and a zero persistent-storage quota.
  const golden = JSON.parse(readFileSync(join(__dirname, "build-lease-objects.v1-golden.json"), "utf8")) as {
    specHash: string;
    objects: K8sObject[];
  };
  const v1: ManifestInput = {
    name: "web",
    image: "ghcr.io/acme/web:1.0",
    command: ["/web"],
    args: ["--port", "8080"],
    env: [{ name: "MODE", value: "prod" }],
    ports: [{ port: 8080 }, { name: "metrics", port: 9090, expose: false }, { port: 53, protocol: "UDP" }],
    resources: { cpu: 500, memory: 256, storage: 2048, gpu: { count: 1, model: "A100" } },
    replicas: 2,
    security: { runAsUser: 1000, runAsNonRoot: true },
  };

  it("builds what the v1 builder built", () => {
    const { manifest, specHash } = canonicalizeManifest(v1);
    expect(specHash).toBe(golden.specHash);
    const objects = buildLeaseObjects({
      leaseId: "7",
      tenant,
      specHash,
      manifest,
      nodeLocalDns: "169.254.20.10",
    }).objects;
    const strip = (o: K8sObject): Any => {
      const c: Any = structuredClone(o);
      delete c.metadata.labels?.[LABELS.part];
      if (c.kind === "Deployment") delete c.spec.template.metadata.labels[LABELS.part];
      if (c.kind === "ResourceQuota") {
        expect(c.spec.hard["requests.storage"]).toBe("0Mi");
        delete c.spec.hard["requests.storage"];
      }
      return c;
    };
    const byKey = (list: K8sObject[]) =>
      Object.fromEntries(list.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
    expect(Object.keys(byKey(objects)).sort()).toEqual(Object.keys(byKey(golden.objects)).sort());
    expect(byKey(objects.map(strip))).toEqual(byKey(golden.objects));
  });
});
