// GET /api/market – what the market offers now (totals, regions, providers) and its capacity and price history.
import { route } from "@/lib/api/handler";
import { getMarketOverview } from "@/lib/market/get-market-overview";

export const GET = route({}, async ({ db }) => getMarketOverview({ db }));
