import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppsV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { makeClusters } from "./default-clusters";
import { startSimulator } from "./simulator";
import { raw, waitFor } from "./test-helpers";

const dir = mkdtempSync(join(tmpdir(), "k8s-sim-state-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("state file", () => {
  it("keeps certs, tokens, ports and objects across restarts", async () => {
    const stateFile = join(dir, "state.json");
    const clusters = makeClusters(2, 2);
    const sim1 = await startSimulator({ clusters, stateFile, podStartDelayMs: 50, tickMs: 20 });
    const c1 = sim1.cluster("bench-001");
    const token = c1.issueToken({ rules: [{ verbs: ["get", "list"], apiGroups: ["*"], resources: ["*"] }] });
    const kubeconfig = c1.kubeconfig();
    const kc = new KubeConfig();
    kc.loadFromString(kubeconfig);
    await kc
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: "kb-lease-1", labels: { lease: "1" } } } });
    await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: "kb-lease-1",
      body: {
        metadata: { name: "app" },
        spec: {
          selector: { matchLabels: { a: "b" } },
          template: {
            metadata: { labels: { a: "b" } },
            spec: { containers: [{ name: "c", image: "nginx" }] },
          },
        },
      },
    });
    await waitFor(
      async () =>
        (await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: "app", namespace: "kb-lease-1" }))
          .status?.readyReplicas === 1,
    );
    const port = c1.port;
    const ca = sim1.caPem;
    await sim1.stop();

    const sim2 = await startSimulator({ clusters, stateFile, podStartDelayMs: 50, tickMs: 20 });
    try {
      const c2 = sim2.cluster("bench-001");
      expect(sim2.caPem).toBe(ca);
      expect(c2.port).toBe(port);
      expect(c2.kubeconfig()).toBe(kubeconfig); // a stored kubeconfig keeps working
      const kc2 = new KubeConfig();
      kc2.loadFromString(kubeconfig);
      const ns = await kc2.makeApiClient(CoreV1Api).readNamespace({ name: "kb-lease-1" });
      expect(ns.metadata?.labels?.lease).toBe("1");
      const pods = await kc2.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: "kb-lease-1" });
      expect(pods.items).toHaveLength(1);
      expect(pods.items[0]?.status?.phase).toBe("Running");
      expect((await raw(c2, ca, "GET", "/api/v1/nodes", { token })).status).toBe(200);
      expect((await raw(c2, ca, "DELETE", "/api/v1/namespaces/kb-lease-1", { token })).status).toBe(403);
      // resourceVersions keep increasing after a restart
      const rv = Number(ns.metadata?.resourceVersion);
      const cm = await raw(c2, ca, "POST", "/api/v1/namespaces/default/configmaps", {
        body: { metadata: { name: "after" } },
      });
      expect(Number(cm.json.metadata.resourceVersion)).toBeGreaterThan(rv);
      // metrics and logs resume for restored pods
      await waitFor(
        async () =>
          (await raw(c2, ca, "GET", "/apis/metrics.k8s.io/v1beta1/namespaces/kb-lease-1/pods")).json.items
            .length === 1,
      );
    } finally {
      await sim2.stop();
    }
  });
});

describe("cli", () => {
  it("npm run sim: writes kubeconfigs, prints ready, exits cleanly on SIGTERM", async () => {
    const out = join(dir, "kc");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "dev/k8s-sim/cli.ts", "--out", out, "--clusters", "2", "--nodes", "2"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await waitFor(() => stdout.split("\n").includes("ready"), 20_000, "ready line");
      expect(readdirSync(out).sort()).toEqual(["bench-000.kubeconfig", "bench-001.kubeconfig"]);
      const cfg = parse(readFileSync(join(out, "bench-000.kubeconfig"), "utf8"));
      const cluster = cfg.clusters[0].cluster;
      expect(cluster["certificate-authority-data"]).toBeTruthy();
      expect(cfg.users[0].user.token).toBeTruthy();
      const kc = new KubeConfig();
      kc.loadFromString(readFileSync(join(out, "bench-000.kubeconfig"), "utf8"));
      const nodes = await kc.makeApiClient(CoreV1Api).listNode();
      expect(nodes.items).toHaveLength(2);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });
});
