import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultClusters } from "./default-clusters";
import { type SimCluster, type Simulator, startSimulator } from "./simulator";
import { waitFor } from "./test-helpers";

const KUBECTL = process.env.KUBECTL ?? "/usr/bin/kubectl";
const haveKubectl = existsSync(KUBECTL);
if (!haveKubectl) console.warn(`kubectl not found at ${KUBECTL}: skipping the kubectl compatibility tests`);

let sim: Simulator;
let c: SimCluster;
let dir: string;
let kubeconfig: string;

// async exec: the simulator runs in this process, so a sync exec would deadlock it
function kubectl(args: string[], cfg = kubeconfig): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      [`--kubeconfig=${cfg}`, `--cache-dir=${join(dir, "cache")}`, ...args],
      { timeout: 20_000 },
      (e, stdout, stderr) => {
        resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr });
      },
    );
  });
}

describe.skipIf(!haveKubectl)("kubectl against the simulator", () => {
  beforeAll(async () => {
    sim = await startSimulator({ clusters: defaultClusters, podStartDelayMs: 80, tickMs: 25 });
    c = sim.cluster("sgp-mixed");
    dir = mkdtempSync(join(tmpdir(), "k8s-sim-kubectl-"));
    kubeconfig = join(dir, "sgp.kubeconfig");
    writeFileSync(kubeconfig, c.kubeconfig());
  });
  afterAll(async () => {
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("version, get nodes,pods -A", async () => {
    const v = await kubectl(["version", "-o", "json"]);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.out).serverVersion.gitVersion).toBe("v1.31.2");
    const r = await kubectl(["get", "nodes,pods", "-A"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/node\/sgp-gpu-l4-1\s+Ready\s+<none>\s+\d+d\s+v1\.31\.2/);
    const wide = await kubectl(["get", "nodes", "-o", "wide", "-l", "nvidia.com/gpu.product=NVIDIA-L4"]);
    expect(wide.out).toContain("sgp-gpu-l4-1");
    expect(wide.out).not.toContain("sgp-cpu-1");
    expect(wide.out).toContain("Ubuntu 22.04.5 LTS");
  });

  it("create deployment, then get/describe/logs/top", async () => {
    const cr = await kubectl(["create", "deployment", "web", "--image=nginx", "--replicas=2"]);
    expect(cr.err).toBe("");
    expect(cr.out.trim()).toBe("deployment.apps/web created");
    await waitFor(
      async () => (await kubectl(["get", "deploy", "web"])).out.includes("2/2"),
      5000,
      "2/2 ready",
    );
    const pods = await kubectl(["get", "pods", "-A", "-o", "wide"]);
    expect(pods.out).toMatch(/default\s+web-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running\s+0/);
    const name = (
      await kubectl(["get", "pods", "-l", "app=web", "-o", "jsonpath={.items[0].metadata.name}"])
    ).out.trim();
    expect(name).toMatch(/^web-/);
    const d = await kubectl(["describe", "pod", name]);
    expect(d.err).toBe("");
    expect(d.out).toContain(`Name:             ${name}`);
    expect(d.out).toMatch(/Status:\s+Running/);
    expect(d.out).toMatch(/Normal\s+Scheduled\s+.*default-scheduler\s+Successfully assigned default\//);
    expect(d.out).toMatch(/Normal\s+Started\s+.*kubelet\s+Started container nginx/);
    await waitFor(
      async () =>
        (await kubectl(["logs", name, "--tail=2", "--timestamps"])).out.trim().split("\n").length === 2,
      5000,
      "logs",
    );
    const logs = await kubectl(["logs", name, "--tail=2", "--timestamps"]);
    expect(logs.out).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z /);
    const top = await kubectl(["top", "pods"]);
    expect(top.err).toBe("");
    expect(top.out).toMatch(/NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    expect(top.out).toMatch(new RegExp(`${name}\\s+\\d+m\\s+\\d+Mi`));
    const topN = await kubectl(["top", "nodes"]);
    expect(topN.out).toMatch(/sgp-cpu-1\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/);
    const dd = await kubectl(["describe", "deployment", "web"]);
    expect(dd.out).toMatch(/Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable/);
    const sc = await kubectl(["scale", "deployment", "web", "--replicas=1"]);
    expect(sc.out.trim()).toBe("deployment.apps/web scaled");
    await waitFor(
      async () =>
        (await kubectl(["get", "pods", "-l", "app=web", "-o", "name"])).out.trim().split("\n").length === 1,
      5000,
      "scaled down",
    );
    const del = await kubectl(["delete", "deployment", "web"]);
    expect(del.out.trim()).toBe('deployment.apps "web" deleted');
    expect((await kubectl(["get", "pods", "-o", "name"])).out.trim()).toBe("");
  });

  it("apply -f (client-side, twice) and apply --server-side", async () => {
    const file = join(dir, "dep.yaml");
    const yaml = (replicas: number) => `apiVersion: v1
kind: Namespace
metadata:
  name: applied
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: applied
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: ghcr.io/acme/api:1.0
        resources:
          requests: {cpu: 100m, memory: 64Mi}
`;
    writeFileSync(file, yaml(1));
    const a1 = await kubectl(["apply", "-f", file]);
    expect(a1.err).toBe("");
    expect(a1.out).toContain("deployment.apps/api created");
    writeFileSync(file, yaml(2));
    const a2 = await kubectl(["apply", "-f", file]);
    expect(a2.err).toBe("");
    expect(a2.out).toContain("deployment.apps/api configured");
    writeFileSync(file, yaml(3));
    const a3 = await kubectl(["apply", "--server-side", "-f", file]);
    expect(a3.err).toBe("");
    expect(a3.out).toContain("deployment.apps/api serverside-applied");
    await waitFor(
      async () => (await kubectl(["get", "deploy", "api", "-n", "applied"])).out.includes("3/3"),
      5000,
      "3/3",
    );
    const del = await kubectl(["delete", "namespace", "applied"]);
    expect(del.code).toBe(0);
  });

  it("limited tokens: auth can-i and Forbidden errors", async () => {
    const token = c.issueToken({
      user: "system:serviceaccount:kubebid:viewer",
      rules: [{ verbs: ["get", "list"], apiGroups: [""], resources: ["nodes"] }],
    });
    const cfg = join(dir, "limited.kubeconfig");
    writeFileSync(cfg, c.kubeconfig({ token }));
    expect((await kubectl(["auth", "can-i", "list", "nodes"], cfg)).out.trim()).toBe("yes");
    expect((await kubectl(["auth", "can-i", "create", "deployments"], cfg)).out.trim()).toBe("no");
    const r = await kubectl(["get", "pods", "-n", "kube-system"], cfg);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(
      'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:kubebid:viewer" cannot list resource "pods" in API group "" in the namespace "kube-system"',
    );
    const bad = join(dir, "bad.kubeconfig");
    writeFileSync(bad, c.kubeconfig({ token: "wrong" }));
    const u = await kubectl(["get", "nodes"], bad);
    expect(u.err).toMatch(/Unauthorized|provide credentials/);
  });
});
