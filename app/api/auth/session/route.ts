// GET /api/auth/session – the signed-in address, or null.
import { route } from "@/lib/api/handler";

export const GET = route({}, async ({ session }) => ({ address: session?.address ?? null }));
