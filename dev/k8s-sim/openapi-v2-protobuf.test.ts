// The OpenAPI v2 protobuf encoder, proven by kubectl itself: a plain-HTTP front serves `/openapi/v2` from a
// small swagger document and forwards everything else to the simulator, and kubectl's client-side
// validation of a `kind: List` file must read the schemas from it (an unknown field is reported by name).
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { request } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPENAPI_V2_PROTOBUF_CT, openapiV2Response } from "./openapi-v2-protobuf";
import { type Simulator, startSimulator } from "./simulator";

// kubectl 1.33, and the PATH kubectl (on a Debian-only machine 1.20, whose every `apply` validates this way)
const onPath = (process.env.PATH ?? "")
  .split(delimiter)
  .map((d) => join(d, "kubectl"))
  .find((f) => existsSync(f));
const CLIENTS = [
  { name: "1.33", bin: "/usr/lib/google-cloud-sdk/bin/kubectl.1.33" },
  { name: "path", bin: onPath ?? "kubectl (not on PATH)" },
].map((c) => ({ ...c, have: existsSync(c.bin) }));
for (const c of CLIENTS)
  if (!c.have) console.warn(`${c.bin} is not installed: skipping its OpenAPI v2 check`);

const META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
const DOC = {
  swagger: "2.0",
  info: { title: "Kubernetes", version: "v1.31.2" },
  definitions: {
    [META]: {
      type: "object",
      properties: {
        name: { type: "string" },
        namespace: { type: "string" },
        labels: { type: "object", additionalProperties: { type: "string" } },
        annotations: { type: "object", additionalProperties: { type: "string" } },
      },
    },
    "io.k8s.api.core.v1.ConfigMap": {
      description: "ConfigMap holds configuration data for pods to consume.",
      type: "object",
      properties: {
        apiVersion: { type: "string" },
        kind: { type: "string" },
        metadata: { $ref: `#/definitions/${META}` },
        data: { type: "object", additionalProperties: { type: "string" } },
        immutable: { type: "boolean" },
      },
      "x-kubernetes-group-version-kind": [{ group: "", kind: "ConfigMap", version: "v1" }],
    },
  },
};

describe.each(CLIENTS)("OpenAPI v2 as gnostic protobuf, read by kubectl $name ($bin)", ({ bin, have }) => {
  let sim: Simulator;
  let front: Server;
  let tmp: string;
  let cfg: string;
  let openapiHits = 0;
  const k = (args: string[]): Promise<{ code: number; out: string; err: string }> =>
    new Promise((resolve) => {
      execFile(bin, [`--kubeconfig=${cfg}`, `--cache-dir=${join(tmp, "cache")}`, ...args], (e, out, err) =>
        resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err }),
      );
    });

  beforeAll(async () => {
    if (!have) return;
    sim = await startSimulator({
      clusters: [{ name: "v2", nodes: [{ name: "n1", cpu: "2", memory: "4Gi" }] }],
    });
    const c = sim.cluster("v2");

    front = createServer((req, res) => {
      if (req.url?.startsWith("/openapi/v2")) {
        openapiHits++;
        const { contentType, body } = openapiV2Response(req.headers.accept ?? "", DOC);
        expect(contentType).toBe(OPENAPI_V2_PROTOBUF_CT);
        res.writeHead(200, { "Content-Type": contentType, "Content-Length": body.length });
        res.end(body);
        return;
      }
      const headers = { ...req.headers };
      delete headers.host;
      // client-go sends no bearer token over plain HTTP: the front adds it
      headers.authorization = `Bearer ${c.adminToken}`;
      const up = request(
        `${c.server}${req.url}`,
        { method: req.method, headers, ca: sim.caPem, agent: false },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on("error", () => res.destroy());
      req.pipe(up);
    });
    await new Promise<void>((r) => front.listen(0, "127.0.0.1", r));
    tmp = mkdtempSync(join(tmpdir(), "k8s-sim-openapi-v2-"));
    cfg = join(tmp, "front.kubeconfig");
    writeFileSync(
      cfg,
      `apiVersion: v1
kind: Config
clusters: [{name: v2, cluster: {server: "http://127.0.0.1:${(front.address() as AddressInfo).port}"}}]
users: [{name: admin, user: {token: "${c.adminToken}"}}]
contexts: [{name: v2, context: {cluster: v2, user: admin}}]
current-context: v2
`,
    );
  });
  afterAll(async () => {
    await new Promise((r) => front?.close(r));
    await sim?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it.skipIf(!have)("validates a kind: List against the encoded schemas", async () => {
    const list = (field: string) => `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: from-list, namespace: default}
  ${field}: {k: v}
`;
    const file = join(tmp, "list.yaml");
    writeFileSync(file, list("datta"));
    const bad = await k(["apply", "-f", file]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/unknown field "datta"/);
    expect(openapiHits).toBeGreaterThan(0);
    writeFileSync(file, list("data"));
    const ok = await k(["apply", "-f", file]);
    expect(ok.err).toBe("");
    expect(ok.out).toBe("configmap/from-list created\n");
  });
});
