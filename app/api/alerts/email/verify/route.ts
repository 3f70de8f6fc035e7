// POST /api/alerts/email/verify – confirms the wallet's alert email with the code mailed to it.
import { z } from "zod";
import { emailCodeSchema } from "@/lib/alerts/alert-kinds";
import { confirmEmailCode } from "@/lib/alerts/verify-alert-email";
import { route } from "@/lib/api/handler";

export const POST = route(
  { auth: true, rateLimit: "alertEmailVerify", body: z.object({ code: emailCodeSchema }).strict() },
  async ({ db, session, body }) => {
    await confirmEmailCode({ db, wallet: session.address, code: body.code, now: new Date() });
    return { ok: true };
  },
);
