// GET /api/market/providers – one page of the providers table: filters (region, gpu, minCpu, minMemory), sort, dir, limit, offset.
import { route } from "@/lib/api/handler";
import { getMarketProviders } from "@/lib/market/get-market-overview";
import { providerQuerySchema } from "@/lib/market/query-providers";

export const GET = route({ query: providerQuerySchema, rateLimit: "market" }, async ({ db, query }) =>
  Response.json(await getMarketProviders({ db, query }), {
    headers: { "cache-control": "public, max-age=2" },
  }),
);
