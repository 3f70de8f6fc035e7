// GET /api/leases/[id]/logs – a pod's (or one container's, or its previous instance's) log as plain text (tail, optionally followed as a stream), for the lease's tenant or provider.
import { z } from "zod";
import { route, zUintString } from "@/lib/api/handler";
import { AppError, isAppError } from "@/lib/errors";
import { leaseNamespace } from "@/lib/k8s/build-lease-objects";
import { streamPodLogs } from "@/lib/k8s/stream-pod-logs";
import { clusterClientFor } from "@/lib/lease/cluster-clients";
import { requireLeaseAccess } from "@/lib/lease/lease-access";

export const dynamic = "force-dynamic";

const query = z.object({
  pod: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "not a pod name")
    .max(253),
  container: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "not a container name")
    .max(63)
    .optional(),
  /** The previous (terminated) instance of the container, as `kubectl logs --previous`; never followed. */
  previous: z
    .enum(["0", "1", "true", "false"])
    .default("0")
    .transform((v) => v === "1" || v === "true"),
  tail: z.coerce.number().int().min(1).max(10_000).default(500),
  follow: z
    .enum(["0", "1", "true", "false"])
    .default("0")
    .transform((v) => v === "1" || v === "true"),
  timestamps: z
    .enum(["0", "1", "true", "false"])
    .default("1")
    .transform((v) => v === "1" || v === "true"),
});

export const GET = route(
  { params: z.object({ id: zUintString }), query, auth: true },
  async ({ db, params, query, session, req }) => {
    const { lease } = await requireLeaseAccess({ db, leaseId: params.id, address: session.address });
    if (!lease.clusterId || lease.deployState === "torn_down" || lease.deployState === "pending")
      throw new AppError("CONFLICT", "This lease has no running workload.");
    let lines: AsyncIterable<string>;
    try {
      const client = await clusterClientFor({ db, clusterId: lease.clusterId });
      lines = await streamPodLogs(client, {
        namespace: leaseNamespace(lease.id),
        pod: query.pod,
        container: query.container,
        previous: query.previous,
        tailLines: query.tail,
        follow: query.follow && !query.previous,
        timestamps: query.timestamps,
        signal: req.signal,
      });
    } catch (error) {
      if (isAppError(error) && error.code === "NOT_FOUND")
        throw new AppError("NOT_FOUND", "No such pod in this lease.");
      // The kubelet's 400s say why there is no such log (no previous instance, still waiting to start).
      if (isAppError(error) && error.code === "UNPROCESSABLE")
        throw new AppError("BAD_REQUEST", error.message.slice(0, 500));
      throw new AppError("UPSTREAM_UNAVAILABLE", "The provider's cluster did not answer.", { cause: error });
    }
    const iterator = lines[Symbol.asyncIterator]();
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await iterator.next().catch(() => ({ done: true as const, value: undefined }));
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(`${next.value}\n`));
      },
      async cancel() {
        await iterator.return?.();
      },
    });
    return new Response(stream, {
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        "x-accel-buffering": "no",
      },
    });
  },
);
