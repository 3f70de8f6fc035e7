// GET /api/market – what the market offers now (totals, regions, providers) and its capacity and price history.
import { route } from "@/lib/api/handler";
import { getMarketOverviewJson } from "@/lib/market/get-market-overview";

export const GET = route(
  { rateLimit: "market" },
  async ({ db }) =>
    new Response(await getMarketOverviewJson({ db }), {
      headers: { "content-type": "application/json", "cache-control": "public, max-age=2" },
    }),
);
