// POST /api/provider/draft/accept-risk – accept (or withdraw acceptance of) over-privileged cluster credentials.
import { z } from "zod";
import { route } from "@/lib/api/handler";
import { acceptProbeRisk } from "@/lib/provider/accept-probe-risk";

export const POST = route(
  { auth: true, body: z.object({ accept: z.boolean() }).strict() },
  async ({ db, session, body }) => acceptProbeRisk({ db, address: session.address, accept: body.accept }),
);
