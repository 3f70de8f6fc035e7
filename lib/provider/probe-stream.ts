import "server-only";
import { AppError } from "@/lib/errors";
import { createClusterClient } from "@/lib/k8s/cluster-client";
import { type ClusterDialSettings, dialOptions } from "@/lib/k8s/cluster-settings";
import { probeCluster } from "@/lib/k8s/probe-cluster";
import { EXCESS_CHECKS } from "@/lib/k8s/probe-least-privilege";
import { REQUIRED_PERMISSIONS } from "@/lib/k8s/required-permissions";
import type { ValidatedKubeconfig } from "@/lib/k8s/validate-kubeconfig";
import type { ProbeResult } from "./onboarding-draft";

// Runs the onboarding checks of a cluster and streams them to the browser as they complete, as
// newline-delimited JSON: `{"type":"check","check":{...}}` per check, then `{"type":"done","result":{...}}`
// (or `{"type":"error","message":...}`). `onDone` persists the result before the final line is sent,
// so what the page shows is what was saved.

export type ProbeEvent =
  | { type: "start"; total: number }
  | { type: "check"; check: ProbeResult["checks"][number] }
  | { type: "done"; result: ProbeResult }
  | { type: "error"; message: string };

/**
 * Checks the probe runs: connection, credentials, each permission, what must be denied, nodes, GPUs,
 * region, user namespaces, network isolation, NodeLocal DNS, IngressClasses, StorageClasses, metrics.
 */
const EXPECTED_CHECKS = 2 + REQUIRED_PERMISSIONS.length + EXCESS_CHECKS.length + 9;

export function probeStream(opts: {
  kubeconfig: ValidatedKubeconfig;
  settings: ClusterDialSettings;
  onDone: (result: ProbeResult) => Promise<void>;
}): Response {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (e: ProbeEvent) => controller.enqueue(encoder.encode(`${JSON.stringify(e)}\n`));
      let client: ReturnType<typeof createClusterClient>;
      try {
        client = createClusterClient(opts.kubeconfig, { ...dialOptions(opts.settings), timeoutMs: 8_000 });
      } catch (error) {
        // Refused by the cluster settings (e.g. insecure TLS while ALLOW_INSECURE_CLUSTERS is off).
        send({
          type: "error",
          message: error instanceof AppError ? error.message : "The cluster cannot be reached.",
        });
        controller.close();
        return;
      }
      try {
        send({ type: "start", total: EXPECTED_CHECKS });
        const gen = probeCluster(client);
        for (;;) {
          const next = await gen.next();
          if (next.done) {
            const result: ProbeResult = { ...next.value, at: new Date().toISOString() };
            await opts.onDone(result);
            send({ type: "done", result });
            break;
          }
          send({ type: "check", check: next.value });
        }
      } catch (error) {
        console.error("[probe] failed", error);
        send({ type: "error", message: "The checks could not be completed. Please try again." });
      } finally {
        await client.close().catch(() => {});
        controller.close();
      }
    },
  });
  return new Response(stream, {
    headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" },
  });
}
