// GET/PATCH/DELETE /api/clusters/:id – one of the signed-in provider's clusters (403 for anyone else's).
import { z } from "zod";
import { route } from "@/lib/api/handler";
import { removeCluster, updateCluster } from "@/lib/provider/cluster-actions";
import { getOwnCluster, listProviderClusters } from "@/lib/provider/provider-clusters";

const params = z.object({ id: z.uuid("not a cluster id") });

export const GET = route({ auth: true, params }, async ({ db, session, params }) => {
  await getOwnCluster({ db, id: params.id, address: session.address });
  const all = await listProviderClusters({ db, address: session.address });
  return all.find((c) => c.id === params.id);
});

export const PATCH = route(
  { auth: true, params, body: z.object({ offerPercent: z.number().int().min(1).max(100) }).strict() },
  async ({ db, session, params, body }) => {
    await updateCluster({ db, id: params.id, address: session.address, offerPercent: body.offerPercent });
    return { ok: true };
  },
);

export const DELETE = route({ auth: true, params }, async ({ db, session, params }) => {
  await removeCluster({ db, id: params.id, address: session.address });
  return { ok: true };
});
