// GET /api/leases – the signed-in wallet's leases (as tenant or provider) and its orders still in auction.
import { route } from "@/lib/api/handler";
import { listTenantActivity } from "@/lib/lease/list-tenant-activity";

export const GET = route({ auth: true }, async ({ db, session }) =>
  listTenantActivity({ db, address: session.address }),
);
