import type { Hex, LocalAccount } from "viem";
import { orderTypedData } from "@/lib/chain/order-types";
import type { KubebidClient } from "@/lib/client/api-client";
import { ClientRefusalError } from "@/lib/client/client-refusal";
import type { MarketChain } from "@/lib/client/market-chain";
import { buildOrder } from "@/lib/market/build-order";
import { type DraftManifest, sealDraft } from "@/lib/market/draft-manifest";
import { type IntegrityOrderFields, integrityOrderOptions } from "@/lib/market/integrity-terms";

// A tenant's order from a script, as the deploy form places it: seal the secrets, build and sign the
// EIP-712 order over the manifest's hash, store the manifest (with the secret values) beside that
// signature, then either relay it (the server's relayer pays gas; the deposit moves by an ERC-2612
// permit signed here) or send approve + createOrder from the tenant's own account.

export interface PlaceOrderOptions {
  client: KubebidClient;
  chain: MarketChain;
  account: LocalAccount;
  chainId: number;
  marketAddress: Hex;
  draft: DraftManifest;
  maxPricePerHour: bigint;
  deposit: bigint;
  durationSeconds: number;
  bidWindowSeconds: number;
  region: string | null;
  /** Auction format, reveal window, start deadline, minimum reputation (buildOrder's defaults when absent). */
  integrity?: IntegrityOrderFields;
  /** "relay": gasless through POST /api/orders/relay; "send": the tenant's own transactions. */
  via: "relay" | "send";
}

export async function placeOrder(opts: PlaceOrderOptions) {
  const { manifest, secrets } = sealDraft(opts.draft);
  const built = buildOrder({
    tenant: opts.account.address,
    manifest,
    maxPricePerHour: opts.maxPricePerHour,
    deposit: opts.deposit,
    durationSeconds: opts.durationSeconds,
    bidWindowSeconds: opts.bidWindowSeconds,
    region: opts.region,
    ...(opts.integrity ? integrityOrderOptions(opts.integrity) : {}),
  });
  const balance = await opts.chain.balance();
  if (balance < built.order.deposit)
    throw new ClientRefusalError(
      `Your token balance (${balance}) does not cover the deposit (${built.order.deposit}).`,
    );
  const signature = await opts.account.signTypedData(
    orderTypedData(built.order, opts.chainId, opts.marketAddress),
  );
  await opts.client.storeManifest({ manifest: built.manifest, secrets, order: built.order, signature });
  const created =
    opts.via === "relay"
      ? await opts.client.relayOrder({
          order: built.order,
          signature,
          permit: await opts.chain.signPermit(built.order.deposit),
        })
      : await opts.chain.createOrder(built.order);
  return { ...created, specHash: built.specHash, order: built.order };
}
