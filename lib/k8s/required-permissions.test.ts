import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { type PermissionScope, REQUIRED_PERMISSIONS } from "./required-permissions";

// required-permissions.ts must cover every Kubernetes call KubeBid's code makes. This test reads the
// code in lib/ and maps each call (typed client-node method, raw request path, log/metrics helper) to
// the right it needs; a call it cannot map fails the test, so a new call cannot slip in unlisted.
// (That the verbs suffice on a cluster is proven by apply-lease-workload.test.ts, which runs the
// whole lease lifecycle with only the generated RBAC's token.)

interface Need {
  verb: string;
  group: string;
  resource: string;
  scope: PermissionScope;
}
const need = (verb: string, group: string, resource: string, scope: PermissionScope): Need => ({
  verb,
  group,
  resource,
  scope,
});
/** Calls every authenticated user may make: discovery, version, self reviews. */
const OPEN = "open";

const METHODS: Record<string, Need | typeof OPEN> = {
  "core.listNode": need("list", "", "nodes", "cluster"),
  "core.listPodForAllNamespaces": need("list", "", "pods", "cluster"),
  "core.listNamespace": need("list", "", "namespaces", "cluster"),
  "core.readNamespace": need("get", "", "namespaces", "cluster"),
  "core.createNamespace": need("create", "", "namespaces", "cluster"),
  "core.deleteNamespace": need("delete", "", "namespaces", "cluster"),
  "core.listNamespacedPod": need("list", "", "pods", "lease"),
  "core.listNamespacedEvent": need("list", "", "events", "lease"),
  "core.readNamespacedService": need("get", "", "services", "lease"),
  "apps.listNamespacedDeployment": need("list", "apps", "deployments", "lease"),
  "authorization.createSelfSubjectAccessReview": OPEN,
  "version.getCode": OPEN,
  podLogs: need("get", "", "pods/log", "lease"),
  podExec: need("create", "", "pods/exec", "lease"),
  podMetrics: need("list", "metrics.k8s.io", "pods", "lease"),
};

/** Raw request paths (template parameters as {}) → the right, whatever the method (checked above by the lifecycle test). */
const PATHS: Record<string, Array<Omit<Need, "verb">> | typeof OPEN> = {
  "/version": OPEN,
  "/apis/metrics.k8s.io/v1beta1": OPEN,
  "/apis/cert-manager.io/v1": OPEN,
  "/apis/networking.k8s.io/v1/ingressclasses": [
    { group: "networking.k8s.io", resource: "ingressclasses", scope: "cluster" },
  ],
  "/apis/storage.k8s.io/v1/storageclasses": [
    { group: "storage.k8s.io", resource: "storageclasses", scope: "cluster" },
  ],
  "/apis/cert-manager.io/v1/clusterissuers/{}": [
    { group: "cert-manager.io", resource: "clusterissuers", scope: "cluster" },
  ],
  "/api/v1/nodes": [{ group: "", resource: "nodes", scope: "cluster" }],
  "/api/v1/pods": [{ group: "", resource: "pods", scope: "cluster" }],
  "/apis/metrics.k8s.io/v1beta1/pods": [{ group: "metrics.k8s.io", resource: "pods", scope: "cluster" }],
  "/apis/metrics.k8s.io/v1beta1/nodes": [{ group: "metrics.k8s.io", resource: "nodes", scope: "cluster" }],
  "/api/v1/namespaces": [{ group: "", resource: "namespaces", scope: "cluster" }],
  "/apis/rbac.authorization.k8s.io/v1/namespaces/{}/rolebindings": [
    { group: "rbac.authorization.k8s.io", resource: "rolebindings", scope: "cluster" },
  ],
  "/apis/apps/v1/namespaces/kube-system/daemonsets": [
    { group: "apps", resource: "daemonsets", scope: "kube-system" },
  ],
  "/apis/autoscaling/v2/namespaces/{}/horizontalpodautoscalers": [
    { group: "autoscaling", resource: "horizontalpodautoscalers", scope: "lease" },
  ],
  "/apis/metrics.k8s.io/v1beta1/namespaces/{}/pods": [
    { group: "metrics.k8s.io", resource: "pods", scope: "lease" },
  ],
  "/api/v1/namespaces/{}/pods/{}/log": [{ group: "", resource: "pods/log", scope: "lease" }],
};

/** requestJson/requestStream calls whose path is computed, by file and argument. */
const COMPUTED: Record<string, Array<Omit<Need, "verb">> | "must-be-refused"> = {
  // The post-mortem's lists of a lease namespace: its pods and its events.
  "lib/lease/capture-post-mortem.ts path": [
    { group: "", resource: "pods", scope: "lease" },
    { group: "", resource: "events", scope: "lease" },
  ],
  // Server-side apply of a lease's objects: the namespace, then what lives in it.
  "lib/k8s/apply-lease-workload.ts leaseObjectPath(object)": [
    { group: "", resource: "namespaces", scope: "cluster" },
    { group: "", resource: "resourcequotas", scope: "lease" },
    { group: "", resource: "limitranges", scope: "lease" },
    { group: "networking.k8s.io", resource: "networkpolicies", scope: "lease" },
    { group: "apps", resource: "deployments", scope: "lease" },
    { group: "", resource: "services", scope: "lease" },
    { group: "", resource: "secrets", scope: "lease" },
    { group: "", resource: "persistentvolumeclaims", scope: "lease" },
    { group: "networking.k8s.io", resource: "ingresses", scope: "lease" },
    { group: "autoscaling", resource: "horizontalpodautoscalers", scope: "lease" },
  ],
  // Pruning: the workload objects of a lease namespace, listed by label (never Secrets).
  "lib/k8s/apply-lease-workload.ts leaseCollectionPath(kind, namespace)": [
    { group: "autoscaling", resource: "horizontalpodautoscalers", scope: "lease" },
    { group: "apps", resource: "deployments", scope: "lease" },
    { group: "", resource: "services", scope: "lease" },
    { group: "networking.k8s.io", resource: "ingresses", scope: "lease" },
    { group: "networking.k8s.io", resource: "networkpolicies", scope: "lease" },
    { group: "", resource: "persistentvolumeclaims", scope: "lease" },
  ],
  // A tenant's custom domain: its Ingress applied and deleted in the lease namespace.
  "lib/lease/domains/domain-ingress.ts path": [
    { group: "networking.k8s.io", resource: "ingresses", scope: "lease" },
  ],
  // The metrics poller's two cluster-wide lists per interval (pods, pod metrics), by label selector.
  "lib/k8s/read-cluster-lease-pods.ts path": [
    { group: "", resource: "pods", scope: "cluster" },
    { group: "metrics.k8s.io", resource: "pods", scope: "cluster" },
  ],
  // The probe's dry runs of what KubeBid must NOT be able to do.
  "lib/k8s/probe-least-privilege.ts path": "must-be-refused",
};

/** The source text of a call's first argument, starting right after its "(". */
function firstArgument(text: string, from: number): string {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") {
      if (depth === 0) return text.slice(from, i).trim();
      depth--;
    } else if (ch === "," && depth === 0) return text.slice(from, i).trim();
  }
  return text.slice(from).trim();
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) ? [p] : [];
  });
}

const root = join(__dirname, "..", "..");
const files = sources(join(root, "lib")).map((p) => ({
  path: relative(root, p),
  text: readFileSync(p, "utf8"),
}));

function covered(n: Omit<Need, "verb"> & { verb?: string }): boolean {
  return REQUIRED_PERMISSIONS.some(
    (p) =>
      p.scope === n.scope &&
      p.group === n.group &&
      (p.subresource ? `${p.resource}/${p.subresource}` : p.resource) === n.resource &&
      (n.verb === undefined || p.verbs.includes(n.verb)),
  );
}

describe("REQUIRED_PERMISSIONS", () => {
  const methodCalls = files.flatMap((f) =>
    [
      ...f.text.matchAll(
        /\.(core|apps|networking|authorization|version)\.(\w+)\(|\.(podLogs|podMetrics|podExec)\(/g,
      ),
    ].map((m) => ({
      file: f.path,
      call: m[3] ?? `${m[1]}.${m[2]}`,
    })),
  );
  // cluster-client.ts defines requestJson/requestStream and the podLogs/podMetrics helpers (mapped by name).
  const rawCalls = files
    .filter((f) => f.path !== join("lib", "k8s", "cluster-client.ts"))
    .flatMap((f) =>
      [...f.text.matchAll(/\brequest(?:Json|Stream)(?:<[^(]*?>)?\(/g)].map((m) => ({
        file: f.path,
        arg: firstArgument(f.text, (m.index ?? 0) + m[0].length),
      })),
    );

  it("finds the calls it checks (the scan works)", () => {
    expect(methodCalls.map((c) => c.call)).toEqual(
      expect.arrayContaining(["core.listNode", "core.deleteNamespace", "podLogs"]),
    );
    expect(rawCalls.length).toBeGreaterThan(5);
  });

  it("covers every typed client call and helper in lib/", () => {
    const unmapped = methodCalls.filter((c) => !(c.call in METHODS)).map((c) => `${c.file}: ${c.call}`);
    expect(unmapped, "add the call to REQUIRED_PERMISSIONS and to METHODS here").toEqual([]);
    const uncovered = methodCalls
      .filter((c) => METHODS[c.call] !== OPEN && !covered(METHODS[c.call] as Need))
      .map((c) => `${c.file}: ${c.call}`);
    expect(uncovered).toEqual([]);
  });

  it("covers every raw request path in lib/", () => {
    const problems: string[] = [];
    for (const c of rawCalls) {
      const literal = /^["`](.*)["`]$/.exec(c.arg)?.[1];
      if (literal === undefined) {
        const computed = COMPUTED[`${c.file} ${c.arg}`];
        if (!computed) problems.push(`${c.file}: computed path ${c.arg} (add it to COMPUTED)`);
        else if (Array.isArray(computed))
          for (const n of computed) if (!covered(n)) problems.push(`${c.file}: ${n.resource}`);
        continue;
      }
      const pattern = literal.replace(/\$\{[^}]*\}/g, "{}").replace(/\?.*$/, "");
      const mapped = PATHS[pattern];
      if (!mapped) problems.push(`${c.file}: ${pattern} (add it to REQUIRED_PERMISSIONS and PATHS)`);
      else if (mapped !== OPEN)
        for (const n of mapped) if (!covered(n)) problems.push(`${c.file}: ${pattern} → ${n.resource}`);
    }
    expect(problems).toEqual([]);
  });

  it("lists nothing twice", () => {
    const keys = REQUIRED_PERMISSIONS.map(
      (p) => `${p.scope} ${p.group}/${p.resource}/${p.subresource ?? ""}`,
    );
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(REQUIRED_PERMISSIONS.map((p) => p.id)).size).toBe(REQUIRED_PERMISSIONS.length);
  });
});
