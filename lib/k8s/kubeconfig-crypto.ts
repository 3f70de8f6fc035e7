import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { AppError } from "@/lib/errors";
import { type ValidatedKubeconfig, validatedKubeconfigSchema } from "./validate-kubeconfig";

// Kubeconfigs at rest: AES-256-GCM over the JSON of the *validated* kubeconfig (never the raw upload),
// stored as `v1.<iv>.<tag>.<ciphertext>` in base64url. The version prefix lets the key or the
// algorithm change later; the prefix is also bound as additional authenticated data so a blob cannot
// be relabelled. Plaintext is never logged and never leaves the server.

const VERSION = "v1";
const AAD = Buffer.from("kubebid/kubeconfig/v1");

/** The 32-byte key from its config form (KUBECONFIG_ENCRYPTION_KEY, 64 hex characters). */
export function kubeconfigKeyFromHex(hex: string): Buffer {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error("KUBECONFIG_ENCRYPTION_KEY must be 64 hex characters");
  return Buffer.from(hex, "hex");
}

function checkKey(key: Uint8Array): void {
  if (key.length !== 32) throw new Error("kubeconfig encryption key must be 32 bytes");
}

export function encryptKubeconfig(kc: ValidatedKubeconfig, key: Uint8Array): string {
  checkKey(key);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(AAD);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(kc), "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    VERSION,
    iv.toString("base64url"),
    tag.toString("base64url"),
    ciphertext.toString("base64url"),
  ].join(".");
}

/** Decrypts and re-checks the shape; a wrong key or a tampered blob is an INTERNAL error, never details. */
export function decryptKubeconfig(blob: string, key: Uint8Array): ValidatedKubeconfig {
  checkKey(key);
  const parts = blob.split(".");
  if (parts.length !== 4 || parts[0] !== VERSION)
    throw new AppError("INTERNAL", "Stored kubeconfig has an unknown format.");
  const [, ivB64, tagB64, ctB64] = parts as [string, string, string, string];
  let plaintext: string;
  try {
    const iv = Buffer.from(ivB64, "base64url");
    const tag = Buffer.from(tagB64, "base64url");
    if (iv.length !== 12 || tag.length !== 16) throw new Error("bad iv/tag length");
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: 16 });
    decipher.setAAD(AAD);
    decipher.setAuthTag(tag);
    plaintext = Buffer.concat([decipher.update(Buffer.from(ctB64, "base64url")), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new AppError("INTERNAL", "Stored kubeconfig cannot be decrypted (wrong key or corrupted).");
  }
  const parsed = validatedKubeconfigSchema.safeParse(JSON.parse(plaintext));
  if (!parsed.success) throw new AppError("INTERNAL", "Stored kubeconfig has an unexpected shape.");
  return parsed.data;
}
