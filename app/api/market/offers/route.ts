// GET /api/market/offers – every provider's free capacity per cluster, pricing and bid strategy, for the deploy form's screening and estimate.
import { route } from "@/lib/api/handler";
import { getOffers } from "@/lib/market/get-offers";

export const GET = route({ rateLimit: "market" }, async ({ db }) => getOffers({ db }));
