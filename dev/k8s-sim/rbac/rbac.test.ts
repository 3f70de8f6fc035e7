import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, type Simulator, startSimulator } from "../simulator";
import { raw, waitFor } from "../test-helpers";

let sim: Simulator;
let c: SimCluster;
const call = (method: string, path: string, opts?: Parameters<typeof raw>[4]) =>
  raw(c, sim.caPem, method, path, opts);
const rbac = "/apis/rbac.authorization.k8s.io/v1";
const vapApi = "/apis/admissionregistration.k8s.io/v1";

async function admin(method: string, path: string, body?: unknown) {
  const r = await call(method, path, { body });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
  return r.json;
}

/** A ServiceAccount and a token for it from the TokenRequest API. */
async function serviceAccount(ns: string, name: string): Promise<string> {
  await call("POST", "/api/v1/namespaces", { body: { metadata: { name: ns } } });
  await admin("POST", `/api/v1/namespaces/${ns}/serviceaccounts`, { metadata: { name } });
  const tr = await admin("POST", `/api/v1/namespaces/${ns}/serviceaccounts/${name}/token`, {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    spec: { expirationSeconds: 3600 },
  });
  return tr.status.token;
}

const ssar = async (token: string, resourceAttributes: Record<string, string>) =>
  (
    await call("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
      token,
      body: {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: { resourceAttributes },
      },
    })
  ).json.status.allowed as boolean;

beforeAll(async () => {
  sim = await startSimulator({
    clusters: [{ name: "rbac", nodes: [{ name: "n1", cpu: "4", memory: "8Gi" }] }],
  });
  c = sim.cluster("rbac");
});
afterAll(async () => {
  await sim?.stop();
});

describe("RBAC", () => {
  it("authorizes a TokenRequest token by the roles bound to its ServiceAccount, and only while it exists", async () => {
    const token = await serviceAccount("team-a", "reader");
    const denied = await call("GET", "/api/v1/namespaces/team-a/pods", { token });
    expect(denied.status).toBe(403);
    expect(denied.json).toMatchObject({
      reason: "Forbidden",
      message:
        'pods is forbidden: User "system:serviceaccount:team-a:reader" cannot list resource "pods" in API group "" in the namespace "team-a"',
    });
    await admin("POST", `${rbac}/namespaces/team-a/roles`, {
      metadata: { name: "pod-reader" },
      rules: [{ apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list"] }],
    });
    await admin("POST", `${rbac}/namespaces/team-a/rolebindings`, {
      metadata: { name: "reader" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pod-reader" },
      subjects: [{ kind: "ServiceAccount", name: "reader", namespace: "team-a" }],
    });
    expect((await call("GET", "/api/v1/namespaces/team-a/pods", { token })).status).toBe(200);
    // The Role is namespaced: nothing elsewhere, nothing cluster-wide.
    expect((await call("GET", "/api/v1/namespaces/default/pods", { token })).status).toBe(403);
    expect((await call("GET", "/api/v1/pods", { token })).status).toBe(403);
    // Groups: a ClusterRoleBinding to system:serviceaccounts:team-a reaches it too.
    await admin("POST", `${rbac}/clusterroles`, {
      metadata: { name: "node-reader" },
      rules: [{ apiGroups: [""], resources: ["nodes"], verbs: ["list"] }],
    });
    await admin("POST", `${rbac}/clusterrolebindings`, {
      metadata: { name: "team-a-nodes" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "node-reader" },
      subjects: [
        { kind: "Group", name: "system:serviceaccounts:team-a", apiGroup: "rbac.authorization.k8s.io" },
      ],
    });
    expect((await call("GET", "/api/v1/nodes", { token })).status).toBe(200);
    await admin("DELETE", "/api/v1/namespaces/team-a/serviceaccounts/reader");
    expect((await call("GET", "/api/v1/nodes", { token })).status).toBe(401);
  });

  it("fills a service-account-token Secret as the token controller does", async () => {
    await serviceAccount("team-b", "bot");
    await admin("POST", "/api/v1/namespaces/team-b/secrets", {
      metadata: { name: "bot-token", annotations: { "kubernetes.io/service-account.name": "bot" } },
      type: "kubernetes.io/service-account-token",
    });
    const secret = await waitFor(async () => {
      const s = await admin("GET", "/api/v1/namespaces/team-b/secrets/bot-token");
      return s.data?.token ? s : undefined;
    });
    const decode = (v: string) => Buffer.from(v, "base64").toString("utf8");
    expect(decode(secret.data["ca.crt"])).toBe(sim.caPem);
    expect(decode(secret.data.namespace)).toBe("team-b");
    expect(secret.metadata.annotations["kubernetes.io/service-account.uid"]).toBeTruthy();
    const token = decode(secret.data.token);
    const review = await call("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", {
      token,
      body: { spec: { namespace: "team-b" } },
    });
    expect(review.status).toBe(201);
    await admin("DELETE", "/api/v1/namespaces/team-b/secrets/bot-token");
    expect((await call("GET", "/version", { token })).status).toBe(401);
  });

  it("evaluates resourceNames, subresources and wildcards in SSAR, and lists the rules in SSRR", async () => {
    const token = await serviceAccount("team-c", "op");
    await admin("POST", `${rbac}/clusterroles`, {
      metadata: { name: "op" },
      rules: [
        { apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"] },
        { apiGroups: [""], resources: ["configmaps"], resourceNames: ["settings"], verbs: ["get", "patch"] },
        { apiGroups: ["*"], resources: ["*/status"], verbs: ["get"] },
        { apiGroups: ["batch"], resources: ["*"], verbs: ["*"] },
      ],
    });
    await admin("POST", `${rbac}/namespaces/team-c/rolebindings`, {
      metadata: { name: "op" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "op" },
      subjects: [{ kind: "ServiceAccount", name: "op", namespace: "team-c" }],
    });
    const ns = "team-c";
    expect(
      await ssar(token, {
        namespace: ns,
        verb: "patch",
        group: "apps",
        resource: "deployments",
        subresource: "scale",
      }),
    ).toBe(true);
    expect(await ssar(token, { namespace: ns, verb: "patch", group: "apps", resource: "deployments" })).toBe(
      false,
    );
    expect(await ssar(token, { namespace: ns, verb: "get", resource: "configmaps", name: "settings" })).toBe(
      true,
    );
    expect(await ssar(token, { namespace: ns, verb: "get", resource: "configmaps", name: "other" })).toBe(
      false,
    );
    expect(await ssar(token, { namespace: ns, verb: "list", resource: "configmaps" })).toBe(false);
    expect(
      await ssar(token, {
        namespace: ns,
        verb: "get",
        group: "apps",
        resource: "deployments",
        subresource: "status",
      }),
    ).toBe(true);
    expect(await ssar(token, { namespace: ns, verb: "delete", group: "batch", resource: "jobs" })).toBe(true);
    expect(
      await ssar(token, { namespace: "default", verb: "delete", group: "batch", resource: "jobs" }),
    ).toBe(false);

    const rules = await call("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", {
      token,
      body: {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectRulesReview",
        spec: { namespace: ns },
      },
    });
    expect(rules.json.status.resourceRules).toEqual(
      expect.arrayContaining([
        {
          verbs: ["create"],
          apiGroups: ["authorization.k8s.io"],
          resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
        },
        { verbs: ["patch"], apiGroups: ["apps"], resources: ["deployments/scale"] },
        { verbs: ["get", "patch"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["settings"] },
      ]),
    );
    expect(rules.json.status.nonResourceRules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ nonResourceURLs: expect.arrayContaining(["/api", "/version"]) }),
      ]),
    );
    const elsewhere = await call("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", {
      token,
      body: { spec: { namespace: "default" } },
    });
    expect(
      elsewhere.json.status.resourceRules.some((r: { resources: string[] }) =>
        r.resources.includes("configmaps"),
      ),
    ).toBe(false);
  });
});

describe("RBAC escalation checks", () => {
  let token: string;
  beforeAll(async () => {
    token = await serviceAccount("esc", "manager");
    await admin("POST", `${rbac}/clusterroles`, {
      metadata: { name: "esc-manager" },
      rules: [
        {
          apiGroups: ["rbac.authorization.k8s.io"],
          resources: ["roles", "rolebindings"],
          verbs: ["create", "update", "patch"],
        },
        {
          apiGroups: ["rbac.authorization.k8s.io"],
          resources: ["clusterroles"],
          verbs: ["bind"],
          resourceNames: ["esc-bindable"],
        },
        { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
      ],
    });
    await admin("POST", `${rbac}/clusterroles`, {
      metadata: { name: "esc-bindable" },
      rules: [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["create", "delete"] }],
    });
    await admin("POST", `${rbac}/clusterroles`, {
      metadata: { name: "esc-other" },
      rules: [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["create", "update"] }],
    });
    await admin("POST", `${rbac}/namespaces/esc/rolebindings`, {
      metadata: { name: "manager" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "esc-manager" },
      subjects: [{ kind: "ServiceAccount", name: "manager", namespace: "esc" }],
    });
  });
  const binding = (name: string, role: string) => ({
    metadata: { name },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
    subjects: [{ kind: "ServiceAccount", name: "manager", namespace: "esc" }],
  });

  it("refuses a Role with rules the user does not hold, with kube-apiserver's message", async () => {
    const r = await call("POST", `${rbac}/namespaces/esc/roles`, {
      token,
      body: {
        metadata: { name: "too-much" },
        rules: [
          { apiGroups: [""], resources: ["pods"], verbs: ["get", "delete"] },
          { apiGroups: [""], resources: ["secrets"], verbs: ["get"] },
        ],
      },
    });
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({
      reason: "Forbidden",
      details: { name: "too-much", group: "rbac.authorization.k8s.io", kind: "roles" },
    });
    expect(r.json.message).toBe(
      'roles.rbac.authorization.k8s.io "too-much" is forbidden: user "system:serviceaccount:esc:manager" (groups=["system:serviceaccounts" "system:serviceaccounts:esc" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
    );
    // Rules it holds are fine.
    const ok = await call("POST", `${rbac}/namespaces/esc/roles`, {
      token,
      body: {
        metadata: { name: "subset" },
        rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }],
      },
    });
    expect(ok.status).toBe(201);
  });

  it("allows a binding to a role it may bind (resourceNames honoured) or whose rules it holds, and nothing else", async () => {
    expect(
      (
        await call("POST", `${rbac}/namespaces/esc/rolebindings`, {
          token,
          body: binding("b1", "esc-bindable"),
        })
      ).status,
    ).toBe(201);
    // b1 now grants deployments create/delete in "esc"; esc-other also needs update, which it lacks.
    const other = await call("POST", `${rbac}/namespaces/esc/rolebindings`, {
      token,
      body: binding("b2", "esc-other"),
    });
    expect(other.status).toBe(403);
    expect(other.json.message).toMatch(
      /^rolebindings\.rbac\.authorization\.k8s\.io "b2" is forbidden: user "system:serviceaccount:esc:manager" .* is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\["apps"\], Resources:\["deployments"\], Verbs:\["update"\]\}$/,
    );
    const admin = await call("POST", `${rbac}/namespaces/esc/rolebindings`, {
      token,
      body: binding("b3", "cluster-admin"),
    });
    expect(admin.status).toBe(403);
    // bind is checked in the binding's namespace: the RoleBinding granting it lives in "esc" only.
    await call("POST", "/api/v1/namespaces", { body: { metadata: { name: "esc-2" } } });
    expect(
      (
        await call("POST", `${rbac}/namespaces/esc-2/rolebindings`, {
          token,
          body: binding("b4", "esc-bindable"),
        })
      ).status,
    ).toBe(403);
    // A role whose rules it holds needs no bind.
    await admin2("esc-podlist", [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }]);
    expect(
      (
        await call("POST", `${rbac}/namespaces/esc/rolebindings`, {
          token,
          body: binding("b5", "esc-podlist"),
        })
      ).status,
    ).toBe(201);
    // Changing a binding's subjects is checked again (allowed: it may bind that role).
    const patched = await call("PATCH", `${rbac}/namespaces/esc/rolebindings/b1`, {
      token,
      contentType: "application/merge-patch+json",
      body: {
        subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "system:authenticated" }],
      },
    });
    expect(patched.status).toBe(200);
  });

  it("lets a user with `escalate` write any rules", async () => {
    await admin2("esc-escalate", [
      { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["escalate"] },
    ]);
    await admin("POST", `${rbac}/namespaces/esc/rolebindings`, binding("escalate", "esc-escalate"));
    const r = await call("POST", `${rbac}/namespaces/esc/roles`, {
      token,
      body: { metadata: { name: "anything" }, rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }] },
    });
    expect(r.status).toBe(201);
  });

  async function admin2(name: string, rules: unknown[]) {
    await admin("POST", `${rbac}/clusterroles`, { metadata: { name }, rules });
  }
});

describe("ValidatingAdmissionPolicy", () => {
  let token: string;
  beforeAll(async () => {
    token = await serviceAccount("vap", "writer");
    await admin("POST", `${rbac}/clusterroles`, {
      metadata: { name: "vap-writer" },
      rules: [
        {
          apiGroups: [""],
          resources: ["namespaces", "configmaps"],
          verbs: ["create", "patch", "update", "delete", "get"],
        },
      ],
    });
    await admin("POST", `${rbac}/clusterrolebindings`, {
      metadata: { name: "vap-writer" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "vap-writer" },
      subjects: [{ kind: "ServiceAccount", name: "writer", namespace: "vap" }],
    });
    await admin("POST", `${vapApi}/validatingadmissionpolicies`, {
      metadata: { name: "writer-confined" },
      spec: {
        failurePolicy: "Fail",
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: ["*"],
              apiVersions: ["*"],
              resources: ["*/*"],
              operations: ["CREATE", "UPDATE", "DELETE"],
            },
          ],
        },
        matchConditions: [
          { name: "writer", expression: "request.userInfo.username == 'system:serviceaccount:vap:writer'" },
        ],
        validations: [
          {
            expression:
              "request.resource.resource == 'namespaces' ? request.name.startsWith('sandbox-') : request.namespace.startsWith('sandbox-')",
            message: "the writer may only touch sandbox-* namespaces",
          },
          {
            expression:
              "request.resource.resource != 'namespaces' || request.operation == 'DELETE' || (has(object.metadata.labels) && 'pod-security.kubernetes.io/enforce' in object.metadata.labels && object.metadata.labels['pod-security.kubernetes.io/enforce'] in ['baseline', 'restricted'])",
            messageExpression: "'pod security must stay enforced on ' + request.name",
          },
          { expression: "request.operation != 'DELETE' || request.resource.resource == 'namespaces'" },
          {
            expression: "request.resource.resource != 'configmaps' || object.data.size() <= 2",
            reason: "Invalid",
            message: "too many keys",
          },
        ],
      },
    });
    await admin("POST", `${vapApi}/validatingadmissionpolicybindings`, {
      metadata: { name: "writer-confined-binding" },
      spec: { policyName: "writer-confined", validationActions: ["Deny"] },
    });
  });
  const ns = (name: string, enforce?: string) => ({
    metadata: { name, labels: enforce ? { "pod-security.kubernetes.io/enforce": enforce } : {} },
  });

  it("denies what the policy forbids with kube-apiserver's message, and allows the rest", async () => {
    const outside = await call("POST", "/api/v1/namespaces", { token, body: ns("prod", "restricted") });
    expect(outside.status).toBe(403);
    expect(outside.json).toMatchObject({
      reason: "Forbidden",
      code: 403,
      message:
        "namespaces \"prod\" is forbidden: ValidatingAdmissionPolicy 'writer-confined' with binding 'writer-confined-binding' denied request: the writer may only touch sandbox-* namespaces",
    });
    const weak = await call("POST", "/api/v1/namespaces", { token, body: ns("sandbox-1", "privileged") });
    expect(weak.json.message).toBe(
      "namespaces \"sandbox-1\" is forbidden: ValidatingAdmissionPolicy 'writer-confined' with binding 'writer-confined-binding' denied request: pod security must stay enforced on sandbox-1",
    );
    expect(
      (await call("POST", "/api/v1/namespaces", { token, body: ns("sandbox-1", "baseline") })).status,
    ).toBe(201);
    // Removing the label later is an UPDATE the policy sees after the patch is applied; dry-run too.
    const strip = await call("PATCH", "/api/v1/namespaces/sandbox-1?dryRun=All", {
      token,
      contentType: "application/merge-patch+json",
      body: { metadata: { labels: { "pod-security.kubernetes.io/enforce": null } } },
    });
    expect(strip.status).toBe(403);
    expect(strip.json.message).toMatch(/denied request: pod security must stay enforced on sandbox-1$/);
    const cm = await call("POST", "/api/v1/namespaces/sandbox-1/configmaps", {
      token,
      body: { metadata: { name: "a" }, data: { x: "1" } },
    });
    expect(cm.status).toBe(201);
    const del = await call("DELETE", "/api/v1/namespaces/sandbox-1/configmaps/a", { token });
    expect(del.json.message).toBe(
      "configmaps \"a\" is forbidden: ValidatingAdmissionPolicy 'writer-confined' with binding 'writer-confined-binding' denied request: failed expression: request.operation != 'DELETE' || request.resource.resource == 'namespaces'",
    );
    const big = await call("POST", "/api/v1/namespaces/sandbox-1/configmaps", {
      token,
      body: { metadata: { name: "b" }, data: { a: "1", b: "2", c: "3" } },
    });
    expect(big).toMatchObject({ status: 422, json: { reason: "Invalid" } });
    // Not the writer: the match condition leaves the admin alone.
    expect((await call("POST", "/api/v1/namespaces", { body: ns("prod", "restricted") })).status).toBe(201);
  });

  it("fails closed on an expression error, or ignores it with failurePolicy Ignore", async () => {
    await admin("POST", `${vapApi}/validatingadmissionpolicies`, {
      metadata: { name: "broken" },
      spec: {
        failurePolicy: "Fail",
        matchConstraints: {
          resourceRules: [
            { apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps"], operations: ["CREATE"] },
          ],
          namespaceSelector: { matchLabels: { broken: "yes" } },
        },
        validations: [{ expression: "object.spec.nothing == 1" }],
      },
    });
    await admin("POST", `${vapApi}/validatingadmissionpolicybindings`, {
      metadata: { name: "broken" },
      spec: { policyName: "broken", validationActions: ["Deny"] },
    });
    await admin("POST", "/api/v1/namespaces", { metadata: { name: "brk", labels: { broken: "yes" } } });
    const r = await call("POST", "/api/v1/namespaces/brk/configmaps", { body: { metadata: { name: "x" } } });
    expect(r.status).toBe(403);
    expect(r.json.message).toMatch(
      /^configmaps "x" is forbidden: ValidatingAdmissionPolicy 'broken' with binding 'broken' denied request: expression 'object.spec.nothing == 1' resulted in error: /,
    );
    // The namespace selector: elsewhere the policy does not apply.
    expect(
      (await call("POST", "/api/v1/namespaces/default/configmaps", { body: { metadata: { name: "x" } } }))
        .status,
    ).toBe(201);
    const ignore = await call("PATCH", `${vapApi}/validatingadmissionpolicies/broken`, {
      contentType: "application/merge-patch+json",
      body: { spec: { failurePolicy: "Ignore" } },
    });
    expect(ignore.status).toBe(200);
    expect(
      (await call("POST", "/api/v1/namespaces/brk/configmaps", { body: { metadata: { name: "y" } } })).status,
    ).toBe(201);
  });
});
