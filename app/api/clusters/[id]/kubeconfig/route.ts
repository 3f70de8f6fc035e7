// PUT /api/clusters/:id/kubeconfig – replace a cluster's kubeconfig; kept only if the new one passes every check.
import { z } from "zod";
import { route } from "@/lib/api/handler";
import { MAX_KUBECONFIG_BYTES } from "@/lib/k8s/validate-kubeconfig";
import { replaceKubeconfig } from "@/lib/provider/cluster-actions";

export const PUT = route(
  {
    auth: true,
    params: z.object({ id: z.uuid() }),
    body: z.object({
      kubeconfig: z
        .string()
        .min(1)
        .max(MAX_KUBECONFIG_BYTES * 2),
    }),
  },
  async ({ db, session, params, body }) =>
    replaceKubeconfig({ db, id: params.id, address: session.address, yaml: body.kubeconfig }),
);
