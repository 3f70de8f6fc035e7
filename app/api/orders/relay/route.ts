// POST /api/orders/relay – relays a signed order (with an optional ERC-2612 permit) from the server's relayer key; answers the order id.
import type { Hex } from "viem";
import { z } from "zod";
import { route } from "@/lib/api/handler";
import { orderSchema } from "@/lib/chain/order-types";
import { AppError } from "@/lib/errors";
import { relayOrder } from "@/lib/market/relay-order";
import { getManifest } from "@/lib/market/store-manifest";

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 32-byte hex");
const body = z.object({
  order: orderSchema,
  signature: z
    .string()
    .regex(/^0x[0-9a-fA-F]+$/, "must be hex")
    .max(20_000),
  permit: z
    .object({
      deadline: z.string().regex(/^\d+$/).transform(BigInt),
      v: z.number().int().min(0).max(255),
      r: hex32,
      s: hex32,
    })
    .optional(),
});

export const POST = route({ body, rateLimit: "relay" }, async ({ db, body }) => {
  // Only orders whose manifest we hold: otherwise the lease could never be deployed.
  if (!(await getManifest({ db, specHash: body.order.specHash })))
    throw new AppError("CONFLICT", "Store the manifest first (POST /api/manifests).");
  return relayOrder({
    db,
    order: body.order,
    signature: body.signature as Hex,
    permit: body.permit ? { ...body.permit, r: body.permit.r as Hex, s: body.permit.s as Hex } : undefined,
  });
});
