// GET /api/alerts/deliveries – the signed-in wallet's webhook and email delivery log, newest first.
import { z } from "zod";
import { listDeliveries } from "@/lib/alerts/alerts-inbox";
import { route } from "@/lib/api/handler";

export const GET = route(
  { auth: true, query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }) },
  async ({ db, session, query }) => ({
    deliveries: await listDeliveries({ db, wallet: session.address, limit: query.limit }),
  }),
);
