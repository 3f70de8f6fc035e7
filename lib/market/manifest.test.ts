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

describe("manifestTotals", () => {
  it("multiplies per-replica resources", () => {
    const { manifest } = canonicalizeManifest({
      ...base,
      replicas: 3,
      resources: { cpu: 250, memory: 128, gpu: { count: 1, model: "A100" } },
    });
    expect(manifestTotals(manifest)).toEqual({
      cpuMillis: 750,
      memoryMiB: 384,
      storageMiB: 3072,
      gpuCount: 3,
      gpuModel: "A100",
    });
  });
});
