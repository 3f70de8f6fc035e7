// The chain's clock as the browser sees it (client-safe). The server reads the latest block and
// sends where chain time stood when it answered (`chainMs`: the wall clock, or the latest block's
// timestamp when the chain runs ahead of it, e.g. a dev chain moved forward); the page carries it on
// from when the answer arrived, with its own clock only measuring elapsed time (so a browser whose
// clock is off still agrees with the chain). Readings never go backwards, whatever the order and
// latency of later answers.

export interface ChainClockAnchor {
  /** Chain time, in milliseconds, when the server read it. */
  chainMs: number;
}

export interface ChainClock {
  /** Take a newer reading (a poll's answer) received at local time `receivedAtMs`. */
  observe(anchor: ChainClockAnchor, receivedAtMs: number): void;
  /** Chain time in milliseconds at local time `atMs`; never less than an earlier answer. */
  nowMs(atMs: number): number;
}

export function createChainClock(first: ChainClockAnchor, receivedAtMs: number): ChainClock {
  let anchor = first;
  let receivedAt = receivedAtMs;
  let highest = first.chainMs;
  return {
    observe(next, at) {
      if (next.chainMs === anchor.chainMs) return; // the same answer again (e.g. a re-render)
      anchor = next;
      receivedAt = at;
    },
    nowMs(at) {
      const value = anchor.chainMs + Math.max(0, at - receivedAt);
      if (value > highest) highest = value;
      return highest;
    },
  };
}
