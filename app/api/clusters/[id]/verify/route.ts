// POST /api/clusters/:id/verify – re-run the cluster checks, streamed as NDJSON; updates status and inventory.
import { z } from "zod";
import { route } from "@/lib/api/handler";
import { getClusterSettings } from "@/lib/k8s/cluster-settings";
import { probeStream } from "@/lib/provider/probe-stream";
import { applyProbeResult, clusterKubeconfig, getOwnCluster } from "@/lib/provider/provider-clusters";

export const POST = route(
  { auth: true, params: z.object({ id: z.uuid() }) },
  async ({ db, session, params }) => {
    const cluster = await getOwnCluster({ db, id: params.id, address: session.address });
    return probeStream({
      kubeconfig: clusterKubeconfig(cluster),
      settings: getClusterSettings(),
      onDone: (result) => applyProbeResult({ db, id: cluster.id, result }),
    });
  },
);
