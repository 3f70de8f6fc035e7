import "server-only";
import { eq } from "drizzle-orm";
import type { Address, Hex } from "viem";
import type { Db } from "@/db/client";
import { leases, orders } from "@/db/schema";
import {
  type LeaseUpdate,
  leaseUpdateTypedData,
  signedLeaseUpdateSchema,
} from "@/lib/chain/lease-update-types";
import { listDelegateGrants } from "@/lib/chain/list-delegate-grants";
import { AppError } from "@/lib/errors";
import { type Manifest, manifestServices, manifestTotals } from "@/lib/market/manifest";
import { loadSecretValues } from "@/lib/market/secret-values";
import { getManifest, insertManifest, parseManifest, parseSecretValues } from "@/lib/market/store-manifest";

// A running lease moves to another manifest (an edit, a scale, a rollback) by a LeaseUpdate signed by its
// tenant or one of its deploy keys. Before anything is relayed the server checks what the chain cannot:
// the manifest is valid, fits what the lease bought (the order's manifest: CPU, memory, ephemeral storage
// and GPUs, per-class volume storage), keeps each existing volume's class and does not shrink it (kube
// refuses to shrink a PersistentVolumeClaim), and the signature is a current signer's over this update.
// The manifest is then stored with its secret values, one transaction: a secret whose digest is unchanged
// keeps the value stored under the current spec (re-encrypted under the new hash), so a tenant re-sends
// only new or replaced values. The chain checks the nonce, the deadline and the signer again.

export interface PrepareLeaseUpdateOptions {
  db: Db;
  client: { verifyTypedData: (args: VerifyUpdateArgs) => Promise<boolean> };
  chainId: number;
  marketAddress: Address;
  /** The lease id of the path. */
  leaseId: string;
  manifest: unknown;
  secrets?: unknown;
  update: unknown;
  signer: unknown;
  signature: unknown;
  /** The key of secrets at rest (default: the cluster settings' key). */
  secretKey?: Uint8Array;
  now?: Date;
}

export type VerifyUpdateArgs = ReturnType<typeof leaseUpdateTypedData> & { address: Address; signature: Hex };

export interface PreparedLeaseUpdate {
  tenant: Address;
  update: LeaseUpdate;
  signer: Address;
  signature: Hex;
  specHash: Hex;
  /** Whether the manifest was new (a rollback's is already stored). */
  created: boolean;
}

export async function prepareLeaseUpdate(opts: PrepareLeaseUpdateOptions): Promise<PreparedLeaseUpdate> {
  const signed = signedLeaseUpdateSchema.safeParse({
    update: opts.update,
    signer: opts.signer,
    signature: opts.signature,
  });
  if (!signed.success)
    throw new AppError(
      "BAD_REQUEST",
      `Invalid update: ${signed.error.issues[0]?.path.join(".")}: ${signed.error.issues[0]?.message}`,
    );
  const { update, signer, signature } = signed.data;
  if (update.leaseId.toString() !== opts.leaseId)
    throw new AppError(
      "BAD_REQUEST",
      `The update is signed for lease ${update.leaseId}, not ${opts.leaseId}.`,
    );

  const [lease] = await opts.db.select().from(leases).where(eq(leases.id, opts.leaseId));
  if (!lease) throw new AppError("NOT_FOUND", `Lease ${opts.leaseId} not found.`);
  if (lease.status !== "active") throw new AppError("CONFLICT", "The lease is closed; it cannot be updated.");
  if (update.nonce !== BigInt(lease.specRevision))
    throw new AppError(
      "CONFLICT",
      `The update's nonce is ${update.nonce}, but the lease is at revision ${lease.specRevision}; sign it again.`,
    );
  const now = opts.now ?? new Date();
  if (update.deadline < BigInt(Math.floor(now.getTime() / 1000)))
    throw new AppError("BAD_REQUEST", "The update's deadline has passed.");

  const canonical = parseManifest(opts.manifest);
  if (canonical.specHash.toLowerCase() !== update.specHash.toLowerCase())
    throw new AppError("INVALID_MANIFEST", "The update's specHash is not the hash of this manifest.");
  const secrets = parseSecretValues(opts.secrets);

  const [order] = await opts.db.select().from(orders).where(eq(orders.id, lease.orderId));
  const bought = order && (await getManifest({ db: opts.db, specHash: order.specHash }));
  const currentHash = lease.specHash ?? order?.specHash;
  const current = currentHash && (await getManifest({ db: opts.db, specHash: currentHash }));
  if (!bought || !current)
    throw new AppError("CONFLICT", "The lease's current manifest is not stored here; it cannot be updated.");
  const currentManifest = parseManifest(current.body).manifest;
  assertFitsLease(canonical.manifest, parseManifest(bought.body).manifest, currentManifest);

  if (!(await maySign({ db: opts.db, tenant: lease.tenant, signer, leaseId: lease.id })))
    throw new AppError(
      "FORBIDDEN",
      `${signer} is neither the lease's tenant nor one of its deploy keys for this lease.`,
    );
  let valid = false;
  try {
    valid = await opts.client.verifyTypedData({
      ...leaseUpdateTypedData(update, opts.chainId, opts.marketAddress),
      address: signer,
      signature,
    });
  } catch {
    valid = false;
  }
  if (!valid) throw new AppError("INVALID_SIGNATURE", `The signature is not ${signer}'s over this update.`);

  // A secret not sent keeps a value already stored: under the target hash itself (a rollback), or under
  // the current hash with the same digest (an edit that left it alone). Nothing is decrypted when every
  // value was sent.
  const currentDigests = new Map(manifestServices(currentManifest).secrets.map((s) => [s.name, s.digest]));
  const sent = new Set(secrets.map((s) => s.name));
  const unsent = manifestServices(canonical.manifest).secrets.filter((s) => !sent.has(s.name));
  const kept: Record<string, string> = {};
  if (unsent.length > 0) {
    const target = await loadSecretValues(opts.db, canonical.specHash, opts.secretKey);
    const stored = await loadSecretValues(opts.db, current.specHash, opts.secretKey);
    for (const s of unsent) {
      if (Object.hasOwn(target, s.name)) kept[s.name] = target[s.name] as string;
      else if (currentDigests.get(s.name) === s.digest && Object.hasOwn(stored, s.name))
        kept[s.name] = stored[s.name] as string;
    }
  }

  const created = await insertManifest({
    db: opts.db,
    canonical,
    tenant: lease.tenant as Address,
    signature,
    signed: {
      leaseUpdate: {
        leaseId: update.leaseId.toString(),
        specHash: update.specHash,
        nonce: update.nonce.toString(),
        deadline: update.deadline.toString(),
      },
      signer,
    },
    secrets,
    kept,
  });
  return {
    tenant: lease.tenant as Address,
    update,
    signer,
    signature,
    specHash: canonical.specHash,
    created,
  };
}

/** The tenant itself, or a deploy key granted for this lease or for all of the tenant's leases. */
async function maySign(opts: { db: Db; tenant: string; signer: Address; leaseId: string }): Promise<boolean> {
  if (opts.signer.toLowerCase() === opts.tenant.toLowerCase()) return true;
  const grants = await listDelegateGrants({ db: opts.db, tenant: opts.tenant });
  return grants.some(
    (g) =>
      g.delegate.toLowerCase() === opts.signer.toLowerCase() &&
      (g.leaseId === "0" || g.leaseId === opts.leaseId),
  );
}

/**
 * The new manifest must keep its volumes (checked first: the more specific refusal) and fit what the lease
 * bought (its order's manifest): AppError UNPROCESSABLE naming every refusal otherwise.
 */
export function assertFitsLease(next: Manifest, bought: Manifest, current: Manifest): void {
  // Claims are named <service>-<volume>: the same volume of the same service is the same claim.
  const nextVolumes = new Map(
    manifestServices(next).services.flatMap((s) => (s.volumes ?? []).map((v) => [`${s.name}/${v.name}`, v])),
  );
  const refused: string[] = [];
  for (const s of manifestServices(current).services)
    for (const v of s.volumes ?? []) {
      const n = nextVolumes.get(`${s.name}/${v.name}`);
      if (!n) continue;
      if (n.storageClass !== v.storageClass)
        refused.push(
          `volume "${v.name}" of "${s.name}" changes class from ${v.storageClass} to ${n.storageClass}`,
        );
      else if (n.size < v.size)
        refused.push(`volume "${v.name}" of "${s.name}" shrinks from ${v.size} MiB to ${n.size} MiB`);
    }
  if (refused.length > 0)
    throw new AppError(
      "UNPROCESSABLE",
      `${refused.join("; ")}: Kubernetes cannot shrink a PersistentVolumeClaim or change its class. Keep the volume as it is, or rename it for a new, empty one.`,
    );

  const t = manifestTotals(next);
  const b = manifestTotals(bought);
  const over: string[] = [];
  if (t.cpuMillis > b.cpuMillis) over.push(`CPU ${t.cpuMillis}m of ${b.cpuMillis}m`);
  if (t.memoryMiB > b.memoryMiB) over.push(`memory ${t.memoryMiB} MiB of ${b.memoryMiB} MiB`);
  if (t.storageMiB > b.storageMiB) over.push(`ephemeral storage ${t.storageMiB} MiB of ${b.storageMiB} MiB`);
  if (t.gpuCount > b.gpuCount) over.push(`GPUs ${t.gpuCount} of ${b.gpuCount}`);
  if (t.gpuCount > 0 && t.gpuModel !== b.gpuModel)
    over.push(`GPU model ${t.gpuModel ?? "(any)"} instead of the bought ${b.gpuModel ?? "(any)"}`);
  for (const v of t.volumes) {
    const had = b.volumes.find((x) => x.storageClass === v.storageClass)?.sizeMiB ?? 0;
    if (v.sizeMiB > had) over.push(`${v.storageClass} volumes ${v.sizeMiB} MiB of ${had} MiB`);
  }
  if (over.length > 0)
    throw new AppError(
      "UNPROCESSABLE",
      `The update needs more than the lease bought: ${over.join("; ")}. Close it and order again to grow.`,
    );
}
