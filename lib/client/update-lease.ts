import type { Hex, LocalAccount } from "viem";
import { type LeaseUpdate, leaseUpdateTypedData } from "@/lib/chain/lease-update-types";
import type { KubebidClient } from "@/lib/client/api-client";
import { ClientRefusalError } from "@/lib/client/client-refusal";
import type { MarketChain } from "@/lib/client/market-chain";
import { canonicalizeManifest } from "@/lib/market/manifest";
import { type DraftManifest, sealDraft, sealUpdateDraft } from "@/lib/market/draft-manifest";

// Moves a running lease to another manifest: the LeaseUpdate (lease, the new hash, the lease's current
// revision as nonce, a deadline) signed by the tenant or a deploy key, and the manifest with new
// secret values, relayed by the server (POST /api/leases/[id]/updates; no session needed: the
// signature is the authority). The nonce is read on chain, so a deploy key that cannot read the
// tenant's revisions still signs the right one.

const DEADLINE_SECONDS = 15 * 60;

export interface UpdateLeaseOptions {
  client: KubebidClient;
  chain: MarketChain;
  account: LocalAccount;
  chainId: number;
  marketAddress: Hex;
  leaseId: bigint;
  draft: DraftManifest;
  /** Digests of secrets the draft keeps (value KEPT_SECRET), from the current manifest; none: all fresh. */
  kept?: Record<string, string>;
}

export async function updateLease(opts: UpdateLeaseOptions) {
  const { manifest, secrets } = opts.kept ? sealUpdateDraft(opts.draft, opts.kept) : sealDraft(opts.draft);
  const { specHash } = canonicalizeManifest(manifest);
  const { specHash: current, revision } = await opts.chain.leaseSpec(opts.leaseId);
  if (current.toLowerCase() === specHash.toLowerCase())
    throw new ClientRefusalError(`Lease ${opts.leaseId} already runs this manifest (revision ${revision}).`);
  const update: LeaseUpdate = {
    leaseId: opts.leaseId,
    specHash,
    nonce: revision,
    deadline: BigInt(Math.floor(Date.now() / 1000) + DEADLINE_SECONDS),
  };
  const signature = await opts.account.signTypedData(
    leaseUpdateTypedData(update, opts.chainId, opts.marketAddress),
  );
  return opts.client.postLeaseUpdate({
    leaseId: opts.leaseId.toString(),
    manifest,
    secrets,
    update,
    signer: opts.account.address,
    signature,
  });
}
