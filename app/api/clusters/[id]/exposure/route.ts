// GET/PUT /api/clusters/:id/exposure – a cluster's exposure and storage offers with the classes it has now; change them.
import { z } from "zod";
import { route } from "@/lib/api/handler";
import { readClusterExposure, updateClusterExposure } from "@/lib/provider/cluster-actions";
import { exposureSettingsSchema } from "@/lib/provider/exposure-settings";

const params = z.object({ id: z.uuid("not a cluster id") });

export const GET = route({ auth: true, params }, async ({ db, session, params }) =>
  readClusterExposure({ db, id: params.id, address: session.address }),
);

export const PUT = route(
  { auth: true, params, body: exposureSettingsSchema },
  async ({ db, session, params, body }) =>
    updateClusterExposure({ db, id: params.id, address: session.address, settings: body }),
);
