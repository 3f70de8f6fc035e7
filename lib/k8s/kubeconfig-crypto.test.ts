import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptKubeconfig, encryptKubeconfig, kubeconfigKeyFromHex } from "./kubeconfig-crypto";
import type { ValidatedKubeconfig } from "./validate-kubeconfig";

const kc: ValidatedKubeconfig = {
  server: "https://k8s.example.com:6443",
  caData: Buffer.from("ca").toString("base64"),
  auth: { token: "super-secret-token" },
  clusterName: "prod",
  userName: "kubebid",
  contextName: "kubebid@prod",
};

describe("kubeconfig crypto", () => {
  const key = randomBytes(32);

  it("round-trips and never contains the plaintext", () => {
    const blob = encryptKubeconfig(kc, key);
    expect(blob).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(blob).not.toContain("super-secret-token");
    expect(Buffer.from(blob.split(".")[3] ?? "", "base64url").toString()).not.toContain("secret");
    expect(decryptKubeconfig(blob, key)).toEqual(kc);
  });

  it("uses a fresh IV each time", () => {
    expect(encryptKubeconfig(kc, key)).not.toBe(encryptKubeconfig(kc, key));
  });

  it("refuses a wrong key, a tampered blob and an unknown version without details", () => {
    const blob = encryptKubeconfig(kc, key);
    expect(() => decryptKubeconfig(blob, randomBytes(32))).toThrow(/cannot be decrypted/);
    const parts = blob.split(".");
    const ct = Buffer.from(parts[3] ?? "", "base64url");
    ct[0] = (ct[0] ?? 0) ^ 1;
    const tampered = [parts[0], parts[1], parts[2], ct.toString("base64url")].join(".");
    expect(() => decryptKubeconfig(tampered, key)).toThrow(/cannot be decrypted/);
    expect(() => decryptKubeconfig(`v2.${parts.slice(1).join(".")}`, key)).toThrow(/unknown format/);
  });

  it("takes the key from 64 hex characters only", () => {
    expect(kubeconfigKeyFromHex("ab".repeat(32))).toHaveLength(32);
    expect(() => kubeconfigKeyFromHex("abc")).toThrow();
    expect(() => encryptKubeconfig(kc, randomBytes(16))).toThrow(/32 bytes/);
  });
});
