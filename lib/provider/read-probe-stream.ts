import { ApiError } from "@/lib/api/fetch-json";
import type { ProbeCheck } from "@/lib/k8s/probe-cluster";
import type { ProbeResult } from "@/lib/provider/onboarding-draft";

// Browser side of the cluster checks (/api/provider/draft/verify, /api/clusters/[id]/verify): the
// server streams one NDJSON line per check so the page can show them as they finish.

/** Reads an NDJSON probe stream, calling back per check; resolves with the final result. */
export async function readProbeStream(
  url: string,
  onEvent: (e: {
    type: string;
    total?: number;
    check?: ProbeCheck;
    result?: ProbeResult;
    message?: string;
  }) => void,
): Promise<void> {
  const res = await fetch(url, { method: "POST", credentials: "same-origin" });
  if (!res.ok || !res.body) {
    const body = await res.json().catch(() => null);
    throw new ApiError(
      res.status,
      body?.error?.code ?? "HTTP_ERROR",
      body?.error?.message ?? "The checks failed to start.",
    );
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let nl = buffer.indexOf("\n");
    while (nl >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) onEvent(JSON.parse(line));
      nl = buffer.indexOf("\n");
    }
  }
}
