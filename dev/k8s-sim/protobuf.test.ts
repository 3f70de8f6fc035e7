// The protobuf request decoder on hand-built wire bytes (field numbers as in k8s.io/api generated.proto);
// kubectl.test.ts covers the bytes real kubectl clients send.
import { request } from "node:https";
import protobuf from "protobufjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "./errors";
import { decodeProtobufBody, PROTOBUF_CT } from "./protobuf";
import { type Simulator, startSimulator } from "./simulator";

const LEN = 2;
const VARINT = 0;
type W = protobuf.Writer;
const str = (w: W, field: number, v: string) => w.uint32((field << 3) | LEN).string(v);
const int = (w: W, field: number, v: number) => w.uint32((field << 3) | VARINT).int64(v);
const msg = (w: W, field: number, body: (w: W) => void) => {
  w.uint32((field << 3) | LEN).fork();
  body(w);
  return w.ldelim();
};
const mapEntry = (w: W, field: number, key: string, value: (w: W) => void) =>
  msg(w, field, (e) => {
    str(e, 1, key);
    value(e);
  });

function envelope(apiVersion: string, kind: string, raw: (w: W) => void): Buffer {
  const inner = protobuf.Writer.create();
  raw(inner);
  const w = protobuf.Writer.create();
  msg(w, 1, (t) => {
    str(t, 1, apiVersion);
    str(t, 2, kind);
  });
  w.uint32((2 << 3) | LEN).bytes(inner.finish());
  str(w, 3, "");
  str(w, 4, "");
  return Buffer.concat([Buffer.from("k8s\0", "latin1"), Buffer.from(w.finish())]);
}

function apiError(f: () => unknown): ApiError {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error("expected an ApiError");
}

describe("decodeProtobufBody", () => {
  it("decodes a Namespace the way Go's gogo encoder writes it (empty strings and times dropped)", () => {
    const body = envelope("v1", "Namespace", (w) => {
      msg(w, 1, (m) => {
        str(m, 1, "team-a");
        str(m, 2, "");
        str(m, 3, "");
        int(m, 7, 0);
        msg(m, 8, () => {}); // zero creationTimestamp
        mapEntry(m, 11, "env", (e) => str(e, 2, "prod"));
      });
      msg(w, 2, () => {});
      msg(w, 3, () => {}); // status: reset by the server, not decoded
    });
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "team-a", labels: { env: "prod" } },
    });
  });

  it("decodes a Deployment: pointer zeros kept, IntOrString, Quantity maps, timestamps", () => {
    const clean = envelope("apps/v1", "Deployment", (w) => {
      msg(w, 1, (m) => {
        str(m, 1, "web");
        msg(m, 8, (t) => int(t, 1, 1_700_000_000));
        mapEntry(m, 12, "kubernetes.io/change-cause", (e) => str(e, 2, "first"));
      });
      msg(w, 2, (spec) => {
        int(spec, 1, 0); // replicas: *int32, so 0 is meaningful
        msg(spec, 2, (sel) => mapEntry(sel, 1, "app", (e) => str(e, 2, "web")));
        msg(spec, 3, (tmpl) => {
          msg(tmpl, 1, (m) => mapEntry(m, 11, "app", (e) => str(e, 2, "web")));
          msg(tmpl, 2, (ps) => {
            msg(ps, 2, (c) => {
              str(c, 1, "nginx");
              str(c, 2, "nginx:1.27");
              msg(c, 6, (p) => {
                int(p, 3, 80);
                str(p, 4, "TCP");
              });
              msg(c, 8, (r) => mapEntry(r, 2, "cpu", (e) => msg(e, 2, (q) => str(q, 1, "100m"))));
              c.uint32((16 << 3) | VARINT).bool(false); // stdin: plain bool, dropped when false
            });
          });
        });
        msg(spec, 4, (st) => {
          str(st, 1, "RollingUpdate");
          msg(st, 2, (ru) => {
            msg(ru, 1, (x) => {
              int(x, 1, 0);
              int(x, 2, 1);
            });
            msg(ru, 2, (x) => {
              int(x, 1, 1);
              str(x, 3, "25%");
            });
          });
        });
        int(spec, 5, 0); // minReadySeconds: plain int32, dropped when 0
      });
    });
    expect(decodeProtobufBody(clean)).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name: "web",
        creationTimestamp: "2023-11-14T22:13:20Z",
        annotations: { "kubernetes.io/change-cause": "first" },
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: {
            containers: [
              {
                name: "nginx",
                image: "nginx:1.27",
                ports: [{ containerPort: 80, protocol: "TCP" }],
                resources: { requests: { cpu: "100m" } },
              },
            ],
          },
        },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: "25%" } },
      },
    });
  });

  it("decodes a SelfSubjectAccessReview", () => {
    const body = envelope("authorization.k8s.io/v1", "SelfSubjectAccessReview", (w) => {
      msg(w, 1, () => {});
      msg(w, 2, (spec) =>
        msg(spec, 1, (ra) => {
          str(ra, 1, "kube-system");
          str(ra, 2, "create");
          str(ra, 3, "apps");
          str(ra, 5, "deployments");
        }),
      );
      msg(w, 3, (st) => st.uint32((1 << 3) | VARINT).bool(false));
    });
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectAccessReview",
      spec: {
        resourceAttributes: {
          namespace: "kube-system",
          verb: "create",
          group: "apps",
          resource: "deployments",
        },
      },
    });
  });

  it("decodes a TokenRequest (JSON name uid for the proto field uID, a pointer expirationSeconds)", () => {
    const body = envelope("authentication.k8s.io/v1", "TokenRequest", (w) => {
      msg(w, 1, (m) => str(m, 1, "robot"));
      msg(w, 2, (spec) => {
        str(spec, 1, "https://kubernetes.default.svc");
        msg(spec, 3, (ref) => {
          str(ref, 1, "Secret");
          str(ref, 2, "v1");
          str(ref, 3, "robot-token");
          str(ref, 4, "0b5c5a56");
        });
        int(spec, 4, 600);
      });
      msg(w, 3, () => {});
    });
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      metadata: { name: "robot" },
      spec: {
        audiences: ["https://kubernetes.default.svc"],
        boundObjectRef: { kind: "Secret", apiVersion: "v1", name: "robot-token", uid: "0b5c5a56" },
        expirationSeconds: 600,
      },
    });
  });

  it("refuses, with 415 and the field's path, a field outside the subset instead of dropping it", () => {
    const body = envelope("v1", "Namespace", (w) =>
      msg(w, 1, (m) => {
        str(m, 1, "x");
        str(m, 99, "surprise");
      }),
    );
    const e = apiError(() => decodeProtobufBody(body));
    expect([e.code, e.reason]).toEqual([415, "UnsupportedMediaType"]);
    expect(e.message).toContain("Namespace.metadata#99");
  });

  it("refuses kinds it has no schema for (415), a missing prefix or truncated bytes (400)", () => {
    const pod = apiError(() => decodeProtobufBody(envelope("v1", "Pod", (w) => str(w, 1, "x"))));
    expect([pod.code, pod.reason]).toEqual([415, "UnsupportedMediaType"]);
    expect(pod.message).toMatch(
      /^Pod \(v1\) is not supported by the simulator in application\/vnd\.kubernetes\.protobuf/,
    );
    const noMagic = apiError(() => decodeProtobufBody(Buffer.from('{"kind":"Namespace"}')));
    expect([noMagic.code, noMagic.reason]).toEqual([400, "BadRequest"]);
    const ok = envelope("v1", "Namespace", (w) => msg(w, 1, (m) => str(m, 1, "team-a")));
    const cut = apiError(() => decodeProtobufBody(ok.subarray(0, ok.length - 3)));
    expect([cut.code, cut.reason]).toEqual([400, "BadRequest"]);
  });
});

describe("protobuf bodies over HTTP", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      clusters: [{ name: "pb", nodes: [{ name: "n1", cpu: "2", memory: "4Gi" }] }],
    });
  });
  afterAll(async () => {
    await sim?.stop();
  });
  const post = (path: string, body: Buffer): Promise<{ status: number; json: Record<string, unknown> }> =>
    new Promise((resolve, reject) => {
      const c = sim.cluster("pb");
      const req = request(
        `${c.server}${path}`,
        {
          method: "POST",
          ca: sim.caPem,
          agent: false,
          headers: {
            authorization: `Bearer ${c.adminToken}`,
            "content-type": PROTOBUF_CT,
            accept: `${PROTOBUF_CT},application/json`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (d: Buffer) => chunks.push(d));
          res.on("end", () => {
            expect(res.headers["content-type"]).toBe("application/json");
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) });
          });
        },
      );
      req.on("error", reject);
      req.end(body);
    });

  it("creates from a protobuf body and answers JSON; refuses an unknown field with a 415 Status", async () => {
    const ok = await post(
      "/api/v1/namespaces",
      envelope("v1", "Namespace", (w) => msg(w, 1, (m) => str(m, 1, "from-proto"))),
    );
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({
      kind: "Namespace",
      metadata: { name: "from-proto" },
      status: { phase: "Active" },
    });
    const bad = await post(
      "/api/v1/namespaces",
      envelope("v1", "Namespace", (w) => msg(w, 1, (m) => str(m, 42, "x"))),
    );
    expect(bad.status).toBe(415);
    expect(bad.json).toMatchObject({
      kind: "Status",
      status: "Failure",
      reason: "UnsupportedMediaType",
      code: 415,
    });
    expect(String(bad.json.message)).toContain("Namespace.metadata#42");
  });
});
