import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { type Simulator, startSimulator } from "@/dev/k8s-sim/simulator";
import { provisionKubebidAccess } from "@/dev/provision-kubebid-access";
import { createClusterClient } from "./cluster-client";
import { runProbe } from "./probe-cluster";
import { generateRbacManifest } from "./rbac-manifest";
import { REQUIRED_PERMISSIONS } from "./required-permissions";
import { validateKubeconfig } from "./validate-kubeconfig";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ clusters: [{ name: "c", nodes: [{ name: "n1", cpu: "4", memory: "8Gi" }] }] });
});
afterAll(async () => {
  await sim?.stop();
});

describe("generateRbacManifest", () => {
  it("is the namespace, service account, roles, bindings, admission policy and token secret, from REQUIRED_PERMISSIONS", () => {
    const { yaml, rules, leaseRules } = generateRbacManifest();
    const docs = parseAllDocuments(yaml).map(
      (d) =>
        d.toJS() as Record<string, unknown> & {
          kind: string;
          metadata: { name: string; namespace?: string };
        },
    );
    expect(
      docs.map(
        (d) => `${d.kind}/${d.metadata.namespace ? `${d.metadata.namespace}/` : ""}${d.metadata.name}`,
      ),
    ).toEqual([
      "Namespace/kubebid-system",
      "ServiceAccount/kubebid-system/kubebid",
      "ClusterRole/kubebid",
      "ClusterRoleBinding/kubebid",
      "Role/kube-system/kubebid-cluster-detect",
      "RoleBinding/kube-system/kubebid-cluster-detect",
      "ClusterRole/kubebid-lease-workload",
      "ValidatingAdmissionPolicy/kubebid-lease-confinement",
      "ValidatingAdmissionPolicyBinding/kubebid-lease-confinement",
      "Secret/kubebid-system/kubebid-token",
    ]);
    expect((docs[2] as unknown as { rules: unknown }).rules).toEqual(rules);
    expect((docs[6] as unknown as { rules: unknown }).rules).toEqual(leaseRules);
    expect(rules.length + leaseRules.length + 1).toBe(REQUIRED_PERMISSIONS.length);
    const all = [...rules, ...leaseRules];
    expect(all.flatMap((r) => r.verbs)).not.toContain("*");
    // Secrets: none cluster-wide; in lease namespaces written (the tenant's values) and never read.
    expect(rules.flatMap((r) => r.resources)).not.toContain("secrets");
    expect(leaseRules.filter((r) => r.resources.includes("secrets"))).toEqual([
      { apiGroups: [""], resources: ["secrets"], verbs: ["create", "patch", "delete"] },
    ]);
    expect(all.flatMap((r) => r.verbs)).not.toContain("escalate");
    // bind only on the workload role, and that role is bound by nothing in the manifest.
    expect(rules.filter((r) => r.verbs.includes("bind"))).toEqual([
      {
        apiGroups: ["rbac.authorization.k8s.io"],
        resources: ["clusterroles"],
        verbs: ["bind"],
        resourceNames: ["kubebid-lease-workload"],
      },
    ]);
    expect(
      docs.filter((d) => (d as { roleRef?: { name: string } }).roleRef?.name === "kubebid-lease-workload"),
    ).toEqual([]);
    // Ingress and storage classes (and cert-manager's ClusterIssuers) are read, never written.
    for (const resource of ["ingressclasses", "storageclasses", "clusterissuers"])
      expect(rules.filter((r) => r.resources.includes(resource)).flatMap((r) => r.verbs)).toEqual(
        resource === "clusterissuers" ? ["get"] : ["list"],
      );
    // The tenant's shell: exec only through the per-lease-namespace binding.
    expect(leaseRules).toContainEqual({
      apiGroups: [""],
      resources: ["pods/exec"],
      verbs: ["get", "create"],
    });
    // Autoscalers: only in lease namespaces, with delete for pruning (confined to labelled objects).
    expect(leaseRules).toContainEqual({
      apiGroups: ["autoscaling"],
      resources: ["horizontalpodautoscalers"],
      verbs: ["get", "list", "create", "patch", "delete"],
    });
    // No workload write cluster-wide.
    for (const r of rules)
      expect(
        r.resources.some((x) =>
          ["deployments", "services", "pods/exec", "horizontalpodautoscalers"].includes(x),
        ) && r.verbs.includes("create"),
      ).toBe(false);
    expect(docs[9]).toMatchObject({
      type: "kubernetes.io/service-account-token",
      metadata: {
        namespace: "kubebid-system",
        annotations: { "kubernetes.io/service-account.name": "kubebid" },
      },
    });
  });

  it("gives commands whose kubectl config steps write a kubeconfig KubeBid accepts and whose probe passes", async () => {
    const cluster = sim.cluster("c");
    // The provider's part on the simulator: apply the manifest, read the token the token controller
    // put into the Secret (what the commands' `kubectl get secret` lines read).
    const token = await provisionKubebidAccess(cluster, sim.caPem, { via: "secret" });
    const { commands } = generateRbacManifest({ server: cluster.server });
    expect(commands).toContain("--embed-certs=true");
    expect(commands).not.toMatch(/exec|tokenFile|insecure/);
    // The kubectl config steps run for real, with what the Secret holds.
    const dir = mkdtempSync(join(tmpdir(), "kb-rbac-"));
    try {
      writeFileSync(join(dir, "ca.crt"), sim.caPem);
      const script = commands
        .split("\n")
        .filter((l) => l.startsWith("kubectl config") || l.startsWith("SERVER="))
        .join("\n");
      execFileSync("sh", ["-eu", "-c", script], {
        cwd: dir,
        env: { ...process.env, TOKEN: token, CA_FILE: join(dir, "ca.crt"), KUBECONFIG: join(dir, "unused") },
      });
      const kubeconfig = readFileSync(join(dir, "kubebid.kubeconfig"), "utf8");
      const kc = validateKubeconfig(kubeconfig, { allowPrivate: true });
      expect(kc.auth).toEqual({ token });
      const client = createClusterClient(kc, { allowPrivate: true });
      try {
        const summary = await runProbe(client);
        expect(summary.checks.filter((c) => c.status === "fail")).toEqual([]);
        expect(summary).toMatchObject({ ok: true, leastPrivilege: true });
      } finally {
        await client.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
