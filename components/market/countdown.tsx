"use client";

import { useEffect, useState } from "react";
import { formatDuration } from "@/lib/market/format";

/** Seconds until `to`, ticking each second (negative once passed). */
export function useSecondsUntil(to: string | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return to ? Math.round((Date.parse(to) - now) / 1000) : null;
}

export function Countdown(props: { to: string | null; done?: string; testId?: string }) {
  const seconds = useSecondsUntil(props.to);
  return (
    <span data-testid={props.testId} className="tabular-nums" suppressHydrationWarning>
      {seconds === null ? "—" : seconds > 0 ? formatDuration(seconds) : (props.done ?? "ended")}
    </span>
  );
}
