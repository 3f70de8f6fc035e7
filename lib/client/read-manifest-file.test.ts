import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ManifestFileError, readManifestFile } from "./read-manifest-file";

const dir = mkdtempSync(path.join(os.tmpdir(), "manifest-file-"));
const write = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

const base = `version: 2
name: shop
services:
  - name: api
    image: ghcr.io/acme/api:1.0
    ports: [{ name: http, port: 8080, expose: http }]
    resources: { cpu: 250, memory: 256, storage: 512 }
    env:
      - { name: DB_PASSWORD, secret: db-password }
secrets:
  - name: db-password
`;

describe("readManifestFile", () => {
  it("fills secret values from --secret-env and --secret", () => {
    const p = write("ok.yaml", base);
    expect(readManifestFile(p, { secretEnv: ["db-password=DB"] }, { DB: "s3cret" }).secrets).toEqual([
      { name: "db-password", value: "s3cret" },
    ]);
    expect(readManifestFile(p, { secret: ["db-password=a=b"] }, {}).secrets).toEqual([
      { name: "db-password", value: "a=b" },
    ]);
  });

  it.each([
    ["a secret without a value", base, {}, {}, /Secret db-password has no value: pass --secret-env/],
    ["an unset variable", base, { secretEnv: ["db-password=DB"] }, {}, /DB is not set/],
    [
      "a flag for a secret the file does not name",
      base,
      { secret: ["db-password=x", "other=y"] },
      {},
      /names no secret other/,
    ],
    [
      "a value in the file",
      base.replace("  - name: db-password", "  - { name: db-password, value: x }"),
      { secret: ["db-password=x"] },
      {},
      /keep values out of files/,
    ],
    ["a malformed pair", base, { secret: ["db-password"] }, {}, /expected NAME=VALUE/],
    ["a v1 manifest", "version: 1\nname: x\n", {}, {}, /version 2 manifests/],
    [
      "an invalid manifest",
      base.replace("cpu: 250", "cpu: -1"),
      { secret: ["db-password=x"] },
      {},
      /services\.0\.resources\.cpu/,
    ],
    ["broken YAML", "version: 2\n  name: [", {}, {}, /not valid YAML/],
  ])("refuses %s with a clear message", (_what, text, flags, env, message) => {
    const p = write("bad.yaml", text);
    expect(() => readManifestFile(p, flags, env)).toThrow(ManifestFileError);
    expect(() => readManifestFile(p, flags, env)).toThrow(message);
  });
});
