import "server-only";
import { eq } from "drizzle-orm";
import type { Hex } from "viem";
import type { DbOrTx } from "@/db/client";
import { manifestSecrets } from "@/db/schema";
import { AesGcmError, decryptAesGcm, encryptAesGcm } from "@/lib/crypto/aes-gcm";
import { AppError } from "@/lib/errors";
import { getClusterSettings } from "@/lib/k8s/cluster-settings";
import {
  type Manifest,
  manifestServices,
  type SecretValue,
  secretDigest,
  secretValueSchema,
} from "@/lib/market/manifest";

// A tenant's secret values at rest. The signed manifest holds only `{ name, digest }` per secret
// (lib/market/manifest.ts); the values travel beside it once, in the manifests POST, are checked
// against the digests and stored here AES-256-GCM encrypted with the kubeconfig key (one key config
// for KubeBid's secrets at rest), each bound to its spec hash and name by the additional
// authenticated data. Only the lease controller reads them back, to write the lease's Secret on the
// provider's cluster; no API returns them.

const MAX_SECRET_BYTES = 1024 * 1024;

const aad = (specHash: string, name: string) => `kubebid/secret/v1:${specHash.toLowerCase()}:${name}`;

/**
 * Checks that `values` are exactly the manifest's secrets (each once, each matching its digest) and
 * returns them in manifest order. AppError INVALID_MANIFEST naming the secret otherwise. A secret
 * named in `kept` (a spec update's secret whose digest is unchanged, its value already stored and
 * checked under the current spec hash) needs no value: it comes back without one.
 */
export function verifySecretValues(
  manifest: Manifest,
  values: readonly SecretValue[],
  kept: Readonly<Record<string, string>> = {},
): { name: string; value: string }[] {
  const sealed = manifestServices(manifest).secrets;
  const byName = new Map<string, SecretValue>();
  for (const raw of values) {
    const parsed = secretValueSchema.safeParse(raw);
    if (!parsed.success)
      throw new AppError(
        "INVALID_MANIFEST",
        `Secret value "${String((raw as { name?: unknown }).name ?? "").slice(0, 63)}": ${parsed.error.issues[0]?.message ?? "invalid"}.`,
      );
    const v = { ...parsed.data, salt: parsed.data.salt as Hex };
    if (byName.has(v.name)) throw new AppError("INVALID_MANIFEST", `Secret "${v.name}" has two values.`);
    byName.set(v.name, v);
  }
  const extra = [...byName.keys()].filter((name) => !sealed.some((s) => s.name === name));
  if (extra.length > 0)
    throw new AppError(
      "INVALID_MANIFEST",
      `The manifest has no secret named ${extra.map((n) => `"${n}"`).join(", ")}; send only its secrets.`,
    );
  const checked = sealed.map((s) => {
    const v = byName.get(s.name);
    if (!v && Object.hasOwn(kept, s.name)) return { name: s.name, value: kept[s.name] as string };
    if (!v) throw new AppError("INVALID_MANIFEST", `No value was sent for secret "${s.name}".`);
    if (secretDigest(v.salt, v.value) !== s.digest)
      throw new AppError(
        "INVALID_MANIFEST",
        `The value of secret "${s.name}" does not match its digest in the signed manifest.`,
      );
    return { name: v.name, value: v.value };
  });
  // They become one Secret, and kube-apiserver refuses a Secret whose data exceeds 1 MiB
  // (core.MaxSecretSize, summed over the values' bytes in ValidateSecret).
  const bytes = checked.reduce((n, v) => n + Buffer.byteLength(v.value, "utf8"), 0);
  if (bytes > MAX_SECRET_BYTES)
    throw new AppError(
      "INVALID_MANIFEST",
      `The secret values add up to ${bytes} bytes; a deployment's secrets hold at most ${MAX_SECRET_BYTES} (1 MiB).`,
    );
  return checked;
}

/**
 * Verifies and stores a manifest's secret values (engineer E: call it in the manifests POST, inside the
 * transaction that inserts the manifest, passing that transaction as `db`, so a manifest is never
 * stored without its values). `specHash` is the manifest's 0x-hash. A manifest without secrets takes
 * `values: []` (and needs no key). Storing the same values again (a repeated POST) changes nothing.
 * `key` defaults to the cluster settings' key (KUBECONFIG_ENCRYPTION_KEY), which must then be set.
 * `kept`: values carried over from the lease's current spec (see verifySecretValues), re-encrypted
 * under this spec hash.
 */
export async function storeSecretValues(
  db: DbOrTx,
  specHash: string,
  manifest: Manifest,
  values: readonly SecretValue[],
  key?: Uint8Array,
  kept?: Readonly<Record<string, string>>,
): Promise<void> {
  const checked = verifySecretValues(manifest, values, kept);
  if (checked.length === 0) return;
  const hash = specHash.toLowerCase();
  const k = key ?? getClusterSettings().key;
  await db
    .insert(manifestSecrets)
    .values(
      checked.map((v) => ({
        specHash: hash,
        name: v.name,
        valueEnc: encryptAesGcm(v.value, k, aad(hash, v.name)),
      })),
    )
    .onConflictDoNothing();
}

/** The stored secret values of a manifest, by name (the lease controller's, for the lease's Secret). */
export async function loadSecretValues(
  db: DbOrTx,
  specHash: string,
  key: Uint8Array = getClusterSettings().key,
): Promise<Record<string, string>> {
  const hash = specHash.toLowerCase();
  const rows = await db.select().from(manifestSecrets).where(eq(manifestSecrets.specHash, hash));
  const out: Record<string, string> = {};
  for (const row of rows) {
    try {
      out[row.name] = decryptAesGcm(row.valueEnc, key, aad(hash, row.name));
    } catch (error) {
      if (!(error instanceof AesGcmError)) throw error;
      throw new AppError(
        "INTERNAL",
        `Stored secret "${row.name}" cannot be decrypted (wrong key or corrupted).`,
      );
    }
  }
  return out;
}
