// GET /api/provider/console – the signed-in provider's clusters, leases, earnings and bid decisions.
import { route } from "@/lib/api/handler";
import { getProviderConsole } from "@/lib/provider/provider-console";

export const GET = route({ auth: true }, async ({ db, session }) =>
  getProviderConsole({ db, address: session.address }),
);
