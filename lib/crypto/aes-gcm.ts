import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

// AES-256-GCM for what KubeBid keeps encrypted at rest (kubeconfigs, tenants' secret values), as
// `v1.<iv>.<tag>.<ciphertext>` in base64url. The version prefix lets the key or the algorithm change
// later. Each use binds its own additional authenticated data (a purpose string, plus whatever the
// blob belongs to), so a blob cannot be moved to another column or row and still decrypt.

const VERSION = "v1";

export class AesGcmError extends Error {
  constructor(readonly kind: "format" | "decrypt") {
    super(kind === "format" ? "unknown blob format" : "cannot decrypt (wrong key or corrupted)");
  }
}

function checkAesKey(key: Uint8Array): void {
  if (key.length !== 32) throw new Error("encryption key must be 32 bytes");
}

export function encryptAesGcm(plaintext: string, key: Uint8Array, aad: string): string {
  checkAesKey(key);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [
    VERSION,
    iv.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
    ciphertext.toString("base64url"),
  ].join(".");
}

/** The plaintext; throws AesGcmError (no detail of why) on an unknown format, a wrong key or AAD, or tampering. */
export function decryptAesGcm(blob: string, key: Uint8Array, aad: string): string {
  checkAesKey(key);
  const parts = blob.split(".");
  if (parts.length !== 4 || parts[0] !== VERSION) throw new AesGcmError("format");
  const [, ivB64, tagB64, ctB64] = parts as [string, string, string, string];
  try {
    const iv = Buffer.from(ivB64, "base64url");
    const tag = Buffer.from(tagB64, "base64url");
    if (iv.length !== 12 || tag.length !== 16) throw new Error("bad iv/tag length");
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: 16 });
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(ctB64, "base64url")), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new AesGcmError("decrypt");
  }
}
