// GET /api/leases/[id]/updates – the lease's spec revisions with their sealed manifests and what it bought (its tenant only).
// POST /api/leases/[id]/updates – stores a lease's next manifest (with new or replaced secret values) beside its tenant's or deploy key's signed LeaseUpdate and relays updateLeaseSpec; answers the revision.
import type { Address } from "viem";
import { z } from "zod";
import { route, zUintString } from "@/lib/api/handler";
import { getPublicClient } from "@/lib/chain/public-client";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { requireLeaseAccess } from "@/lib/lease/lease-access";
import { listLeaseRevisions } from "@/lib/lease/list-lease-revisions";
import { prepareLeaseUpdate } from "@/lib/lease/update-lease-spec";
import { relayLeaseUpdate } from "@/lib/market/relay-order";

// No session: the signature is the authority (a CLI holding only a deploy key has no wallet session).
const body = z.object({
  manifest: z.unknown(),
  /** `SecretValue[]` for new or replaced secrets only; an unchanged digest keeps its stored value. */
  secrets: z.array(z.unknown()).max(32).optional(),
  update: z.record(z.string(), z.unknown()),
  signer: z.string(),
  signature: z
    .string()
    .regex(/^0x[0-9a-fA-F]+$/, "must be hex")
    .max(20_000),
});

export const POST = route(
  { params: z.object({ id: zUintString }), body, rateLimit: "relay" },
  async ({ db, params, body }) => {
    const config = getConfig();
    if (!config.MARKET_ADDRESS)
      throw new AppError("SERVICE_UNAVAILABLE", "No market contract is configured.");
    const prepared = await prepareLeaseUpdate({
      db,
      client: getPublicClient(),
      chainId: config.CHAIN_ID,
      marketAddress: config.MARKET_ADDRESS as Address,
      leaseId: params.id,
      manifest: body.manifest,
      secrets: body.secrets,
      update: body.update,
      signer: body.signer,
      signature: body.signature,
    });
    const relayed = await relayLeaseUpdate({ db, ...prepared });
    return { specHash: prepared.specHash, revision: relayed.revision, txHash: relayed.txHash };
  },
);

export const GET = route(
  { params: z.object({ id: zUintString }), auth: true },
  async ({ db, params, session }) => {
    const { lease, role } = await requireLeaseAccess({ db, leaseId: params.id, address: session.address });
    // The sealed manifests hold the secrets' digests: the tenant's to sign again, not the provider's.
    if (role !== "tenant") throw new AppError("FORBIDDEN", "Only the lease's tenant sees its revisions.");
    return listLeaseRevisions({ db, lease });
  },
);
