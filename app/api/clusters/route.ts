// GET /api/clusters – the signed-in provider's clusters (status, latest inventory, capacity history).
import { route } from "@/lib/api/handler";
import { listProviderClusters } from "@/lib/provider/provider-clusters";

export const GET = route({ auth: true }, async ({ db, session }) => ({
  clusters: await listProviderClusters({ db, address: session.address }),
}));
