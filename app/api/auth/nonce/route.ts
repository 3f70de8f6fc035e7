// GET /api/auth/nonce – a one-time nonce for a Sign-In with Ethereum message.
import { route } from "@/lib/api/handler";
import { createNonce } from "@/lib/auth/session";

export const GET = route({ rateLimit: "authNonce" }, async ({ db }) => ({
  nonce: await createNonce({ db }),
}));
