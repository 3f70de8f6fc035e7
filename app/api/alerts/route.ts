// GET /api/alerts – the signed-in wallet's latest alerts and its unread count (the bell).
import { z } from "zod";
import { listAlerts } from "@/lib/alerts/alerts-inbox";
import { route } from "@/lib/api/handler";

export const GET = route(
  { auth: true, query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }) },
  async ({ db, session, query }) => listAlerts({ db, wallet: session.address, limit: query.limit }),
);
