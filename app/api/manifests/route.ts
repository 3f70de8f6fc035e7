// POST /api/manifests – stores a manifest next to the tenant's valid EIP-712 signature over an order carrying its hash, with its secrets' values.
import type { Address, Hex } from "viem";
import { z } from "zod";
import { route } from "@/lib/api/handler";
import { getPublicClient } from "@/lib/chain/public-client";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { storeManifest } from "@/lib/market/store-manifest";

const body = z.object({
  manifest: z.unknown(),
  /** `SecretValue[]` ({ name, salt, value }) for the manifest's sealed secrets; checked by storeManifest. */
  secrets: z.array(z.unknown()).max(32).optional(),
  order: z.record(z.string(), z.unknown()),
  signature: z
    .string()
    .regex(/^0x[0-9a-fA-F]+$/, "must be hex")
    .max(20_000),
  domain: z
    .object({ chainId: z.number().int().optional(), verifyingContract: z.string().optional() })
    .optional(),
});

export const POST = route({ body, rateLimit: "manifests" }, async ({ db, body }) => {
  const config = getConfig();
  if (!config.MARKET_ADDRESS) throw new AppError("SERVICE_UNAVAILABLE", "No market contract is configured.");
  const stored = await storeManifest({
    db,
    client: getPublicClient(),
    chainId: config.CHAIN_ID,
    marketAddress: config.MARKET_ADDRESS as Address,
    manifest: body.manifest,
    order: body.order,
    signature: body.signature as Hex,
    secrets: body.secrets,
    domain: body.domain,
  });
  return { specHash: stored.specHash, tenant: stored.tenant, created: stored.created };
});
