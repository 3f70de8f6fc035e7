// /openapi/v2 and /openapi/v3 served from the models of @kubernetes/client-node, and `kubectl
// explain` working with them, for each kubectl on this machine (the gcloud SDK's 1.33 and 1.32,
// Debian's); a kubectl that is absent is skipped.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCluster, type Simulator, startSimulator } from "./simulator";
import { raw } from "./test-helpers";

let sim: Simulator;
let c: SimCluster;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({
    clusters: [{ name: "oa", nodes: [{ name: "n1", cpu: "4", memory: "8Gi" }] }],
  });
  c = sim.cluster("oa");
  dir = mkdtempSync(join(tmpdir(), "k8s-sim-openapi-"));
  writeFileSync(join(dir, "kubeconfig"), c.kubeconfig());
});
afterAll(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("OpenAPI documents", () => {
  it("v3 root lists every served group-version with a content hash", async () => {
    const r = await raw(c, sim.caPem, "GET", "/openapi/v3");
    expect(r.status).toBe(200);
    const paths = Object.keys(r.json.paths);
    for (const p of [
      "api/v1",
      "apis/apps/v1",
      "apis/networking.k8s.io/v1",
      "apis/autoscaling/v2",
      "apis/storage.k8s.io/v1",
      "apis/rbac.authorization.k8s.io/v1",
    ])
      expect(paths).toContain(p);
    expect(r.json.paths["apis/apps/v1"].serverRelativeURL).toMatch(
      /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/,
    );
  });
  it("a group-version document carries the upstream schema with its GVK and descriptions", async () => {
    const r = await raw(c, sim.caPem, "GET", "/openapi/v3/apis/apps/v1");
    expect(r.status).toBe(200);
    const schemas = r.json.components.schemas;
    const dep = Object.values(schemas).find((s) =>
      (
        (s as { "x-kubernetes-group-version-kind"?: { kind: string }[] })[
          "x-kubernetes-group-version-kind"
        ] ?? []
      ).some((g) => g.kind === "Deployment"),
    ) as { description: string; properties: Record<string, { allOf?: { $ref: string }[] }> };
    expect(dep.description).toBe("Deployment enables declarative updates for Pods and ReplicaSets.");
    const specRef = dep.properties.spec!.allOf![0]!.$ref.split("/").pop()!;
    expect(schemas[specRef].properties.replicas).toMatchObject({ type: "integer", format: "int32" });
    const podSpec = schemas["v1.PodSpec"];
    expect(podSpec.properties.containers["x-kubernetes-patch-merge-key"]).toBe("name");
  });
  it("v2 in JSON, and in gnostic protobuf for a client that asks for it (as kubectl does)", async () => {
    const r = await raw(c, sim.caPem, "GET", "/openapi/v2", { accept: "application/json" });
    expect(r.status).toBe(200);
    expect(r.json.swagger).toBe("2.0");
    expect(r.json.definitions["v1.Namespace"]["x-kubernetes-group-version-kind"]).toEqual([
      { group: "", version: "v1", kind: "Namespace" },
    ]);
    const pb = await raw(c, sim.caPem, "GET", "/openapi/v2", {
      accept: "application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
    });
    expect(pb.status).toBe(200);
    expect(pb.headers["content-type"]).toBe("application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
  });
});

const KUBECTLS = [
  "/usr/lib/google-cloud-sdk/bin/kubectl.1.33",
  "/usr/lib/google-cloud-sdk/bin/kubectl.1.32",
  "/usr/bin/kubectl",
];

function kubectl(bin: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      bin,
      [
        `--kubeconfig=${join(dir, "kubeconfig")}`,
        `--cache-dir=${join(dir, `cache-${bin.replace(/\W/g, "")}`)}`,
        ...args,
      ],
      { timeout: 30_000 },
      (e, stdout, stderr) =>
        resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}

describe.each(KUBECTLS.map((k) => [k]))("kubectl explain with %s", (bin) => {
  it.skipIf(!existsSync(bin))("explains deployment.spec and a nested field", async () => {
    const r = await kubectl(bin, ["explain", "deployment.spec"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/GROUP:\s+apps/);
    expect(r.out).toMatch(/KIND:\s+Deployment/);
    expect(r.out).toMatch(/FIELD:\s+spec/);
    expect(r.out.replace(/\s+/g, " ")).toContain(
      "DeploymentSpec is the specification of the desired behavior of the Deployment.",
    );
    expect(r.out).toMatch(/replicas\s+<integer>/);
    expect(r.out).toMatch(/template\s+<\w+> -required-|template\s+<\w+>/);
    const n = await kubectl(bin, ["explain", "networkpolicy.spec.egress.to.ipBlock.except"]);
    expect(n.code, n.err).toBe(0);
    expect(n.out).toMatch(/except\s+<\[\]string>/);
    const h = await kubectl(bin, ["explain", "hpa.spec.maxReplicas"]);
    expect(h.code, h.err).toBe(0);
    expect(h.out).toMatch(/VERSION:\s+v2/);
  });
});
