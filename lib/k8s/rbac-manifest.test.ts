import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { type Simulator, startSimulator } from "@/dev/k8s-sim/simulator";
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
  it("is the namespace, service account, role, binding and token secret, with rules from REQUIRED_PERMISSIONS", () => {
    const { yaml, rules } = generateRbacManifest();
    const docs = parseAllDocuments(yaml).map((d) => d.toJS() as Record<string, unknown> & { kind: string });
    expect(docs.map((d) => d.kind)).toEqual([
      "Namespace",
      "ServiceAccount",
      "ClusterRole",
      "ClusterRoleBinding",
      "Secret",
    ]);
    const role = docs[2] as unknown as { rules: unknown };
    expect(role.rules).toEqual(rules);
    expect(rules).toHaveLength(REQUIRED_PERMISSIONS.length);
    expect(rules.flatMap((r) => r.verbs)).not.toContain("*");
    expect(rules.flatMap((r) => r.resources)).not.toContain("secrets");
    expect(docs[4]).toMatchObject({
      type: "kubernetes.io/service-account-token",
      metadata: {
        namespace: "kubebid-system",
        annotations: { "kubernetes.io/service-account.name": "kubebid" },
      },
    });
  });

  it("gives commands whose kubectl config steps write a kubeconfig KubeBid accepts and whose probe passes", async () => {
    const cluster = sim.cluster("c");
    const token = cluster.issueToken({
      user: "system:serviceaccount:kubebid-system:kubebid",
      rules: generateRbacManifest().rules,
    });
    const { commands } = generateRbacManifest({ server: cluster.server });
    expect(commands).toContain("--embed-certs=true");
    expect(commands).not.toMatch(/exec|tokenFile|insecure/);
    // The parts that need a real token controller (apply, reading the Secret) are replaced by what the
    // Secret would hold; the kubectl config steps run for real.
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
        expect(summary.ok).toBe(true);
      } finally {
        await client.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
