import "server-only";
import type { ClusterClient } from "./cluster-client";
import { toClusterError } from "./cluster-error";

// A pod's log as an async iterator of lines: the last `tailLines`, then (with `follow`) new lines as
// they are written, until the pod's log ends or `signal` aborts. The app turns it into server-sent
// events; aborting the signal (the browser went away) closes the connection to the cluster.

export interface StreamPodLogsOptions {
  namespace: string;
  pod: string;
  container?: string;
  /** The previous (terminated) instance of the container, as `kubectl logs --previous`. */
  previous?: boolean;
  tailLines?: number;
  follow?: boolean;
  timestamps?: boolean;
  /** Stop after this many bytes (default 10 MiB): a runaway log must not stream forever unfollowed. */
  limitBytes?: number;
  signal?: AbortSignal;
}

/** Opens the stream (so HTTP errors throw here, as AppError) and returns the lines. */
export async function streamPodLogs(
  client: ClusterClient,
  opts: StreamPodLogsOptions,
): Promise<AsyncIterable<string>> {
  let body: ReadableStream<Uint8Array>;
  try {
    body = await client.podLogs(opts.namespace, opts.pod, {
      container: opts.container,
      previous: opts.previous,
      tailLines: opts.tailLines,
      follow: opts.follow,
      timestamps: opts.timestamps,
      limitBytes: opts.follow ? undefined : (opts.limitBytes ?? 10 * 1024 * 1024),
      signal: opts.signal,
    });
  } catch (error) {
    throw toClusterError(error, `read the logs of ${opts.namespace}/${opts.pod}`);
  }
  return lines(body, opts.signal);
}

const MAX_LINE = 64 * 1024;

async function* lines(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  try {
    for (;;) {
      if (signal?.aborted) return;
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        // Aborted by the caller: a normal end.
        if (signal?.aborted) return;
        throw toClusterError(error, "stream logs");
      }
      if (chunk.done) break;
      buffered += decoder.decode(chunk.value, { stream: true });
      let nl = buffered.indexOf("\n");
      while (nl >= 0) {
        yield buffered.slice(0, nl).replace(/\r$/, "");
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf("\n");
      }
      // A "line" that never ends must not grow without bound: pass it on in pieces.
      while (buffered.length > MAX_LINE) {
        yield buffered.slice(0, MAX_LINE);
        buffered = buffered.slice(MAX_LINE);
      }
    }
    buffered += decoder.decode();
    if (buffered.length > 0) yield buffered;
  } finally {
    // Also runs when the consumer stops early (break/return): release the connection.
    await reader.cancel().catch(() => {});
  }
}
