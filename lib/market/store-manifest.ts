import "server-only";
import { eq } from "drizzle-orm";
import type { Address, Hex } from "viem";
import type { Db } from "@/db/client";
import { manifests } from "@/db/schema";
import {
  type Order,
  orderSchema,
  orderTypedData,
  serializeOrder,
  toBytes32Text,
} from "@/lib/chain/order-types";
import { AppError } from "@/lib/errors";
import { z } from "zod";
import {
  canonicalizeManifest,
  type Manifest,
  manifestTotals,
  type SecretValue,
  secretValueSchema,
} from "@/lib/market/manifest";
import { storeSecretValues } from "@/lib/market/secret-values";

// Stores a tenant's manifest, only next to a valid tenant signature over an order that carries the
// manifest's hash and buys exactly what the manifest needs. The signature is checked through the
// chain client (viem's verifyTypedData on a public client), so smart-contract wallets (ERC-1271)
// work; the domain is always ours (this chain, this market), so a signature for another market fails.
// The values of the manifest's sealed secrets come beside it, once: checked against their digests and
// stored (lib/market/secret-values.ts) in the same transaction as the manifest, so a wrong, missing or
// extra value leaves nothing written.

export interface StoreManifestOptions {
  db: Db;
  client: { verifyTypedData: (args: VerifyArgs) => Promise<boolean> };
  chainId: number;
  marketAddress: Address;
  manifest: unknown;
  order: unknown;
  signature: Hex;
  /** The values (with salts) of the manifest's sealed secrets; none when it has none. */
  secrets?: unknown;
  /** The domain the client says it signed for, checked against ours for a clear error. */
  domain?: { chainId?: number; verifyingContract?: string };
  now?: Date;
}

// The salt is checked as 32-byte hex by secretValueSchema.
const secretValuesSchema = z.array(secretValueSchema.transform((v) => v as SecretValue)).max(32);

export type VerifyArgs = ReturnType<typeof orderTypedData> & { address: Address; signature: Hex };

export interface StoredManifest {
  specHash: Hex;
  tenant: Address;
  manifest: Manifest;
  created: boolean;
}

export async function storeManifest(opts: StoreManifestOptions): Promise<StoredManifest> {
  if (opts.domain?.chainId !== undefined && opts.domain.chainId !== opts.chainId)
    throw new AppError(
      "INVALID_SIGNATURE",
      `The order was signed for chain ${opts.domain.chainId}, not ${opts.chainId}.`,
    );
  if (
    opts.domain?.verifyingContract !== undefined &&
    opts.domain.verifyingContract.toLowerCase() !== opts.marketAddress.toLowerCase()
  )
    throw new AppError("INVALID_SIGNATURE", "The order was signed for another market contract.");

  const parsedOrder = orderSchema.safeParse(opts.order);
  if (!parsedOrder.success)
    throw new AppError(
      "BAD_REQUEST",
      `Invalid order: ${parsedOrder.error.issues[0]?.path.join(".")}: ${parsedOrder.error.issues[0]?.message}`,
    );
  const order = parsedOrder.data;

  const canonical = parseManifest(opts.manifest);
  if (canonical.specHash.toLowerCase() !== order.specHash.toLowerCase())
    throw new AppError("INVALID_MANIFEST", "The order's specHash is not the hash of this manifest.");
  assertOrderBuysManifest(order, canonical.manifest);
  const secrets = parseSecretValues(opts.secrets);

  const now = opts.now ?? new Date();
  if (order.deadline < BigInt(Math.floor(now.getTime() / 1000)))
    throw new AppError("BAD_REQUEST", "The order's deadline has passed.");

  let valid = false;
  try {
    valid = await opts.client.verifyTypedData({
      ...orderTypedData(order, opts.chainId, opts.marketAddress),
      address: order.tenant,
      signature: opts.signature,
    });
  } catch {
    valid = false;
  }
  if (!valid)
    throw new AppError("INVALID_SIGNATURE", "The signature is not the tenant's signature over this order.");

  const created = await insertManifest({
    db: opts.db,
    canonical,
    tenant: order.tenant,
    signature: opts.signature,
    signed: serializeOrder(order) as unknown as Record<string, unknown>,
    secrets,
  });
  return { specHash: canonical.specHash, tenant: order.tenant, manifest: canonical.manifest, created };
}

/** Validates a manifest as the tenant sent it (defaults applied): INVALID_MANIFEST naming the first issue. */
export function parseManifest(input: unknown): ReturnType<typeof canonicalizeManifest> {
  try {
    return canonicalizeManifest(input);
  } catch (error) {
    const issue = (error as { issues?: { path: (string | number)[]; message: string }[] }).issues?.[0];
    throw new AppError(
      "INVALID_MANIFEST",
      issue ? `Invalid manifest: ${issue.path.join(".")}: ${issue.message}` : "Invalid manifest.",
    );
  }
}

/** The secret values sent beside a manifest, shape-checked (their digests are checked on insert). */
export function parseSecretValues(input: unknown): SecretValue[] {
  const secrets = secretValuesSchema.safeParse(input ?? []);
  if (!secrets.success)
    throw new AppError(
      "INVALID_MANIFEST",
      `Invalid secret values: ${secrets.error.issues[0]?.path.join(".")}: ${secrets.error.issues[0]?.message}`,
    );
  return secrets.data;
}

/**
 * Inserts a manifest with its secret values in one transaction, next to the signed message that
 * authorised it (an order, or a lease update); a wrong, missing or extra value leaves nothing written.
 * A manifest already stored (an idempotent repeat, a rollback) keeps its row. `kept`: secret values
 * carried over from the lease's current spec (storeSecretValues). Answers whether the row is new.
 */
export async function insertManifest(opts: {
  db: Db;
  canonical: ReturnType<typeof canonicalizeManifest>;
  tenant: Address;
  signature: Hex;
  signed: Record<string, unknown>;
  secrets: readonly SecretValue[];
  kept?: Readonly<Record<string, string>>;
}): Promise<boolean> {
  const specHash = opts.canonical.specHash.toLowerCase();
  const inserted = await opts.db.transaction(async (tx) => {
    const rows = await tx
      .insert(manifests)
      .values({
        specHash,
        tenant: opts.tenant.toLowerCase(),
        body: opts.canonical.manifest,
        signature: opts.signature,
        order: opts.signed,
      })
      .onConflictDoNothing()
      .returning({ specHash: manifests.specHash });
    await storeSecretValues(tx, specHash, opts.canonical.manifest, opts.secrets, undefined, opts.kept);
    return rows;
  });
  return inserted.length > 0;
}

/** The order must buy what the manifest needs: totals over replicas, and the GPU model if one is named. */
function assertOrderBuysManifest(order: Order, manifest: Manifest): void {
  const t = manifestTotals(manifest);
  const mismatch: string[] = [];
  if (order.cpuMillicores !== t.cpuMillis) mismatch.push("cpu");
  if (order.memoryMiB !== t.memoryMiB) mismatch.push("memory");
  if (order.storageMiB !== t.storageMiB) mismatch.push("storage");
  if (order.gpuCount !== t.gpuCount) mismatch.push("gpu count");
  const model = t.gpuModel ? toBytes32Text(t.gpuModel) : `0x${"0".repeat(64)}`;
  if (order.gpuModel.toLowerCase() !== model.toLowerCase()) mismatch.push("gpu model");
  if (mismatch.length)
    throw new AppError(
      "INVALID_MANIFEST",
      `The order's resources do not match the manifest (${mismatch.join(", ")}).`,
    );
}

export async function getManifest({ db, specHash }: { db: Db; specHash: string }) {
  const [row] = await db.select().from(manifests).where(eq(manifests.specHash, specHash.toLowerCase()));
  return row ?? null;
}
