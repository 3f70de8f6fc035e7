import "server-only";
import type { Db } from "@/db/client";
import { AppError } from "@/lib/errors";
import { type Manifest, manifestServices, type SecretValue, secretDigest } from "@/lib/market/manifest";

// The secret values that travel beside a manifest once (POST /api/manifests), checked against the
// sealed digests the signed manifest commits to: exactly one value per sealed secret, none extra, each
// hashing to its digest. Called inside the manifest's transaction, so a bad value stores nothing.
//
// Written by the market side against engineer D's signature; D's module (same path, same export)
// replaces this one at merge and adds the encrypted storage at rest. Until then the values are
// checked and not kept.

export async function storeSecretValues(
  _db: Db,
  _specHash: string,
  manifest: Manifest,
  values: SecretValue[],
): Promise<void> {
  const sealed = manifestServices(manifest).secrets;
  const byName = new Map<string, SecretValue>();
  for (const v of values) {
    if (byName.has(v.name)) throw new AppError("INVALID_MANIFEST", `Secret "${v.name}" has two values.`);
    byName.set(v.name, v);
  }
  const extra = values.filter((v) => !sealed.some((s) => s.name === v.name)).map((v) => v.name);
  if (extra.length)
    throw new AppError(
      "INVALID_MANIFEST",
      `The manifest has no secret named ${extra.map((n) => `"${n}"`).join(", ")}; send only its secrets.`,
    );
  for (const s of sealed) {
    const v = byName.get(s.name);
    if (!v) throw new AppError("INVALID_MANIFEST", `No value was sent for secret "${s.name}".`);
    if (secretDigest(v.salt, v.value) !== s.digest)
      throw new AppError(
        "INVALID_MANIFEST",
        `The value of secret "${s.name}" does not match its digest in the signed manifest.`,
      );
  }
}
