// POST /api/alerts/read – marks the signed-in wallet's alerts read: { ids } or { all: true }.
import { z } from "zod";
import { markAlertsRead } from "@/lib/alerts/alerts-inbox";
import { route } from "@/lib/api/handler";

const body = z.union([
  z.object({ ids: z.array(z.number().int().positive()).min(1).max(200) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);

export const POST = route({ auth: true, body }, async ({ db, session, body }) => {
  const changed = await markAlertsRead({
    db,
    wallet: session.address,
    ids: "all" in body ? "all" : body.ids,
    now: new Date(),
  });
  return { changed };
});
