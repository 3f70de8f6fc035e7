import "server-only";
import { AesGcmError, decryptAesGcm, encryptAesGcm } from "@/lib/crypto/aes-gcm";
import { AppError } from "@/lib/errors";
import { type ValidatedKubeconfig, validatedKubeconfigSchema } from "./validate-kubeconfig";

// Kubeconfigs at rest: AES-256-GCM (lib/crypto/aes-gcm.ts) over the JSON of the *validated*
// kubeconfig (never the raw upload), with its own additional authenticated data. Plaintext is never
// logged and never leaves the server.

const AAD = "kubebid/kubeconfig/v1";

/** The 32-byte key from its config form (KUBECONFIG_ENCRYPTION_KEY, 64 hex characters). */
export function kubeconfigKeyFromHex(hex: string): Buffer {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error("KUBECONFIG_ENCRYPTION_KEY must be 64 hex characters");
  return Buffer.from(hex, "hex");
}

export function encryptKubeconfig(kc: ValidatedKubeconfig, key: Uint8Array): string {
  return encryptAesGcm(JSON.stringify(kc), key, AAD);
}

/** Decrypts and re-checks the shape; a wrong key or a tampered blob is an INTERNAL error, never details. */
export function decryptKubeconfig(blob: string, key: Uint8Array): ValidatedKubeconfig {
  let plaintext: string;
  try {
    plaintext = decryptAesGcm(blob, key, AAD);
  } catch (error) {
    if (!(error instanceof AesGcmError)) throw error;
    throw new AppError(
      "INTERNAL",
      error.kind === "format"
        ? "Stored kubeconfig has an unknown format."
        : "Stored kubeconfig cannot be decrypted (wrong key or corrupted).",
    );
  }
  const parsed = validatedKubeconfigSchema.safeParse(JSON.parse(plaintext));
  if (!parsed.success) throw new AppError("INTERNAL", "Stored kubeconfig has an unexpected shape.");
  return parsed.data;
}
