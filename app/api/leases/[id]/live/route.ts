// GET /api/leases/[id]/live – server-sent events of a lease's pod status and usage samples, for its tenant or provider.
import { z } from "zod";
import { route, zUintString } from "@/lib/api/handler";
import { getConfig } from "@/lib/config";
import { requireLeaseAccess } from "@/lib/lease/lease-access";
import { createLiveStream } from "@/lib/lease/live-stream";
import { getMetricsHub } from "@/lib/lease/metrics-hub";

export const dynamic = "force-dynamic";

export const GET = route(
  { params: z.object({ id: zUintString }), auth: true },
  async ({ db, params, session, req }) => {
    await requireLeaseAccess({ db, leaseId: params.id, address: session.address });
    const stream = createLiveStream({
      hub: getMetricsHub(),
      db,
      leaseId: params.id,
      intervalMs: getConfig().METRICS_INTERVAL_MS,
      signal: req.signal,
    });
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      },
    });
  },
);
