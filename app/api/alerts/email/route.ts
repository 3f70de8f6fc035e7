// POST /api/alerts/email – sets the wallet's alert email and mails it a verification code ({ email: null } removes it).
import { z } from "zod";
import { emailSchema } from "@/lib/alerts/alert-kinds";
import { getMailer } from "@/lib/alerts/mailer";
import { startEmailVerification } from "@/lib/alerts/verify-alert-email";
import { route } from "@/lib/api/handler";
import { enforceRateLimit } from "@/lib/api/rate-limit";
import { getConfig } from "@/lib/config";

export const POST = route(
  { auth: true, rateLimit: "alertEmail", body: z.object({ email: emailSchema.nullable() }).strict() },
  async ({ db, session, body }) => {
    const config = getConfig();
    // Per wallet as well as per client address: each request mails a stranger's address.
    if (body.email !== null)
      await enforceRateLimit({
        db,
        name: "alertEmail",
        key: session.address.toLowerCase(),
        scale: config.RATE_LIMIT_SCALE,
      });
    await startEmailVerification({
      db,
      wallet: session.address,
      email: body.email,
      mailer: getMailer(),
      now: new Date(),
      appUrl: config.APP_URL,
    });
    return { ok: true };
  },
);
