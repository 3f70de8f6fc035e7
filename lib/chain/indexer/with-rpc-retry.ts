// Retries a JSON-RPC call with exponential backoff: nodes drop connections, rate-limit and time out, and
// one failed call should not fail a whole indexing batch. The singleton loop backs off further on top.

export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Errors that retrying cannot fix (e.g. a detected reorg) are rethrown at once. */
  retryable?: (error: unknown) => boolean;
}

export async function withRpcRetry<T>(call: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 5;
  const base = opts.baseDelayMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || (opts.retryable && !opts.retryable(error))) throw error;
      const delay = Math.min(base * 2 ** (attempt - 1), opts.maxDelayMs ?? 5_000);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
