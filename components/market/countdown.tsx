"use client";

import { useEffect, useState } from "react";
import { formatDuration } from "@/lib/market/format";

/**
 * Seconds until `to`, ticking each second (negative once passed); null until mounted, so the
 * server's render and the browser's first render agree (no clock is read during render, and
 * buttons that depend on the window never flip during hydration).
 */
export function useSecondsUntil(to: string | null): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return to && now !== null ? Math.round((Date.parse(to) - now) / 1000) : null;
}

export function Countdown(props: { to: string | null; done?: string; testId?: string }) {
  const seconds = useSecondsUntil(props.to);
  return (
    <span data-testid={props.testId} className="tabular-nums">
      {seconds === null ? "—" : seconds > 0 ? formatDuration(seconds) : (props.done ?? "ended")}
    </span>
  );
}
