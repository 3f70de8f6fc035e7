import type { ReactNode } from "react";

// A status pill. It never wraps, shrinks or stretches (in a flex row beside wrapping text), so it
// keeps its shape on a phone.

const tones = {
  gray: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  green: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  amber: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  red: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
  blue: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300",
} as const;

export function Badge(props: { tone?: keyof typeof tones; children: ReactNode; testId?: string }) {
  return (
    <span
      data-testid={props.testId}
      data-badge
      className={`inline-flex h-fit shrink-0 items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ${tones[props.tone ?? "gray"]}`}
    >
      {props.children}
    </span>
  );
}
