// GET /api/market/providers/[address] – one provider's public profile: clusters, bond, reputation with its parts, recent leases.
import { z } from "zod";
import { route } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";
import { getProviderProfile } from "@/lib/market/get-provider-profile";

const params = z.object({
  address: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address"),
});

export const GET = route({ params, rateLimit: "market" }, async ({ db, params }) => {
  const profile = await getProviderProfile({ db, address: params.address });
  if (!profile) throw new AppError("NOT_FOUND", "The market has never seen this provider.");
  return profile;
});
