import "server-only";
import { eq, inArray, isNull, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { clusters } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { dialOptions, getClusterSettings } from "@/lib/k8s/cluster-settings";
import { decryptKubeconfig, encryptKubeconfig } from "@/lib/k8s/kubeconfig-crypto";
import { type ValidatedKubeconfig, validateKubeconfig } from "@/lib/k8s/validate-kubeconfig";
import {
  type ClusterIdentity,
  type ResolveHost,
  resolveClusterIdentity,
  sameCluster,
} from "./resolve-cluster-identity";

// Kubeconfig intake for the wizard and for "replace the kubeconfig": validated (refusals carry a
// message the provider can act on), checked not to be a cluster somebody else already listed, and
// encrypted. Nothing is stored here; the caller decides where the ciphertext goes.
//
// "Already listed" is decided on what the cluster is (resolved address and CA, see
// resolve-cluster-identity.ts), not on the URL's spelling: otherwise `https://localhost:PORT` would
// list again a cluster already listed as `https://127.0.0.1:PORT`.

export async function intakeKubeconfig(opts: {
  db: Db;
  address: string;
  yaml: string;
  /** When replacing: the cluster being replaced may keep its own server. */
  replacing?: string;
  resolve?: ResolveHost;
}): Promise<{ validated: ValidatedKubeconfig; enc: string; identity: ClusterIdentity }> {
  const secrets = getClusterSettings();
  const validated = validateKubeconfig(opts.yaml, dialOptions(secrets));
  const identity = await resolveClusterIdentity(validated, { resolve: opts.resolve });
  await assertClusterNotListed({
    db: opts.db,
    address: opts.address,
    server: validated.server,
    identity,
    excludeId: opts.replacing,
    key: secrets.key,
    resolve: opts.resolve,
  });
  return { validated, enc: encryptKubeconfig(validated, secrets.key), identity };
}

/**
 * Rows stored before clusters had an identity get one (decrypting their kubeconfig and resolving its
 * server as at onboarding). A row that cannot be resolved, or that turns out to be a duplicate of an
 * older row (the bug this identity fixes), keeps a null identity and is compared by its server URL.
 */
async function backfillIdentities(db: Db, key: Uint8Array, resolve?: ResolveHost): Promise<void> {
  const legacy = await db
    .select({ id: clusters.id, kubeconfigEnc: clusters.kubeconfigEnc })
    .from(clusters)
    .where(isNull(clusters.apiAddress))
    .orderBy(clusters.createdAt);
  for (const row of legacy) {
    try {
      const identity = await resolveClusterIdentity(decryptKubeconfig(row.kubeconfigEnc, key), { resolve });
      await db
        .update(clusters)
        .set({ apiAddress: identity.apiAddress, caFingerprint: identity.caFingerprint })
        .where(eq(clusters.id, row.id));
    } catch (error) {
      console.warn(`[clusters] no identity for cluster ${row.id}: ${(error as Error).message}`);
    }
  }
}

/** Throws CONFLICT when the cluster (by URL or by identity) is already listed, by anyone. */
export async function assertClusterNotListed(opts: {
  db: Db;
  address: string;
  server: string;
  identity: ClusterIdentity;
  excludeId?: string;
  key: Uint8Array;
  resolve?: ResolveHost;
}): Promise<void> {
  await backfillIdentities(opts.db, opts.key, opts.resolve);
  const candidates = await opts.db
    .select({
      id: clusters.id,
      provider: clusters.providerAddress,
      server: clusters.server,
      apiAddress: clusters.apiAddress,
      caFingerprint: clusters.caFingerprint,
    })
    .from(clusters)
    .where(or(eq(clusters.server, opts.server), inArray(clusters.apiAddress, opts.identity.addresses)));
  const taken = candidates.filter(
    (row) =>
      row.id !== opts.excludeId &&
      (row.server === opts.server ||
        (row.apiAddress !== null &&
          row.caFingerprint !== null &&
          sameCluster(opts.identity, { apiAddress: row.apiAddress, caFingerprint: row.caFingerprint }))),
  );
  if (taken.length > 0)
    throw new AppError(
      "CONFLICT",
      taken.some((t) => t.provider === opts.address.toLowerCase())
        ? "You have already listed this cluster."
        : "This cluster is already listed by another provider.",
    );
}

/** The unique index on (api_address, ca_fingerprint) caught two listings racing: the same CONFLICT. */
export function isDuplicateClusterError(error: unknown): boolean {
  for (
    let e = error as
      | { code?: string; constraint_name?: string; constraint?: string; cause?: unknown }
      | undefined;
    e;
    e = e.cause as typeof e
  ) {
    if (e.code === "23505" && (e.constraint_name ?? e.constraint) === "clusters_identity_idx") return true;
  }
  return false;
}
