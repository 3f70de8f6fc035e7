// GET /api/provider/operator – the bid engine's operator address providers name on-chain (never the key).
import { route } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";
import { operatorAddress } from "@/lib/market/bid-engine/chain-bidder";

export const GET = route({}, async () => {
  const operator = operatorAddress();
  if (!operator)
    throw new AppError("SERVICE_UNAVAILABLE", "The bid engine is not configured on this server.");
  return { operator };
});
