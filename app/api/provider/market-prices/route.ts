// GET /api/provider/market-prices – recent winning prices and other providers' unit prices (pricing preview).
import { route } from "@/lib/api/handler";
import { getMarketPrices } from "@/lib/provider/market-prices";

export const GET = route({}, async ({ db, session }) => getMarketPrices({ db, exclude: session?.address }));
