"use client";

import { useEffect, useRef, useState } from "react";
import { type ChainClockAnchor, createChainClock } from "@/lib/chain/create-chain-clock";

// Chain time in seconds, ticking each second from the server's latest reading. The server render and
// the first (hydrating) client render both use the reading itself, so figures computed from it are
// the same text on both sides; the clock moves only after mount.

export function useChainSeconds(anchor: ChainClockAnchor): number {
  const clock = useRef<ReturnType<typeof createChainClock> | null>(null);
  if (!clock.current) clock.current = createChainClock(anchor, Date.now());
  clock.current.observe(anchor, Date.now());
  const [localMs, setLocalMs] = useState<number | null>(null);
  useEffect(() => {
    setLocalMs(Date.now());
    const t = setInterval(() => setLocalMs(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return (localMs === null ? anchor.chainMs : clock.current.nowMs(localMs)) / 1000;
}
