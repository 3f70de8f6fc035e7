import { describe, expect, it } from "vitest";
import {
  canonicalizeManifest,
  canonicalJson,
  hashManifest,
  manifestSchema,
  manifestTotals,
} from "./manifest";

const base = {
  name: "web",
  image: "nginx:1.27",
  resources: { cpu: 500, memory: 512 },
  ports: [{ port: 80 }],
};

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":2,"z":1}]},"b":1}',
    );
  });
});

describe("canonicalizeManifest", () => {
  it("gives the same hash whatever the key order", () => {
    const a = canonicalizeManifest(base);
    const b = canonicalizeManifest({
      ports: [{ port: 80 }],
      resources: { memory: 512, cpu: 500 },
      image: "nginx:1.27",
      name: "web",
    });
    expect(a.specHash).toBe(b.specHash);
    expect(a.specHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(hashManifest(a.manifest)).toBe(a.specHash);
  });

  it("changes the hash when any field changes", () => {
    const a = canonicalizeManifest(base).specHash;
    const b = canonicalizeManifest({ ...base, image: "nginx:1.28" }).specHash;
    expect(a).not.toBe(b);
  });

  it("applies defaults before hashing, so an explicit default hashes the same", () => {
    const a = canonicalizeManifest(base).specHash;
    const b = canonicalizeManifest({ ...base, replicas: 1, version: 1 }).specHash;
    expect(a).toBe(b);
  });

  it.each([
    ["unknown field", { ...base, privileged: true }],
    ["bad image", { ...base, image: "Nginx; rm -rf /" }],
    ["bad name", { ...base, name: "Web_App" }],
    ["duplicate ports", { ...base, ports: [{ port: 80 }, { port: 80 }] }],
    ["too little cpu", { ...base, resources: { cpu: 1, memory: 512 } }],
    ["too many replicas", { ...base, replicas: 500 }],
    ["bad env name", { ...base, env: [{ name: "1X", value: "y" }] }],
  ])("refuses %s", (_label, input) => {
    expect(manifestSchema.safeParse(input).success).toBe(false);
  });
});

describe("security settings", () => {
  it("leave the canonical JSON and hash of manifests that do not use them unchanged", () => {
    // Pinned from before the field existed: orders signed then must still deploy.
    const { json, specHash } = canonicalizeManifest(base);
    expect(json).toBe(
      '{"image":"nginx:1.27","name":"web","ports":[{"expose":true,"port":80,"protocol":"TCP"}],"replicas":1,"resources":{"cpu":500,"gpu":{"count":0},"memory":512,"storage":1024},"version":1}',
    );
    expect(specHash).toBe("0x14b514befab9efd958d3a7e10ee748eb073a517481e7ab856fdbb66fb177951a");
  });

  it("are part of the hash when set", () => {
    const plain = canonicalizeManifest(base).specHash;
    const restricted = canonicalizeManifest({
      ...base,
      security: { podSecurity: "restricted", runAsUser: 101 },
    });
    expect(restricted.specHash).not.toBe(plain);
    expect(restricted.manifest.security).toEqual({ podSecurity: "restricted", runAsUser: 101 });
  });

  it.each([
    [
      "runAsUser 0 under restricted",
      { podSecurity: "restricted", runAsUser: 0 },
      /restricted does not allow runAsUser 0/,
    ],
    ["runAsNonRoot with user 0", { runAsNonRoot: true, runAsUser: 0 }, /runAsNonRoot cannot run as user 0/],
    [
      "restricted without runAsNonRoot",
      { podSecurity: "restricted", runAsNonRoot: false },
      /requires runAsNonRoot/,
    ],
    ["an unknown level", { podSecurity: "privileged" }, /./],
    ["an unknown field", { privileged: true }, /./],
    ["a negative uid", { runAsUser: -1 }, /./],
  ])("refuses %s", (_label, security, message) => {
    const r = manifestSchema.safeParse({ ...base, security });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message).join("\n")).toMatch(message);
  });
});

describe("manifestTotals", () => {
  it("multiplies per-replica resources", () => {
    const { manifest } = canonicalizeManifest({
      ...base,
      replicas: 3,
      resources: { cpu: 250, memory: 128, gpu: { count: 1, model: "A100" } },
    });
    expect(manifestTotals(manifest)).toMatchObject({
      cpuMillis: 750,
      memoryMiB: 384,
      storageMiB: 3072,
      gpuCount: 3,
      gpuModel: "A100",
    });
  });
});
