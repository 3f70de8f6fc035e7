import type { ReactNode } from "react";

export function EmptyState(props: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  testId?: string;
  /** 1 when the empty state is the whole page (a gate, "waiting for…"): the page's one heading. */
  level?: 1 | 2;
}) {
  const Heading = props.level === 1 ? "h1" : "h2";
  return (
    <div
      data-testid={props.testId}
      className="flex flex-col items-center justify-center rounded-xl border border-dashed border-zinc-300 px-6 py-14 text-center dark:border-zinc-700"
    >
      <svg
        viewBox="0 0 24 24"
        className="mb-4 h-10 w-10 text-zinc-400"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        aria-hidden
      >
        <path d="M3 7l9-4 9 4-9 4-9-4z" />
        <path d="M3 12l9 4 9-4M3 17l9 4 9-4" />
      </svg>
      <Heading className="text-base font-semibold">{props.title}</Heading>
      {props.children && (
        <div className="mt-2 max-w-md text-sm text-zinc-600 dark:text-zinc-400">{props.children}</div>
      )}
      {props.action && <div className="mt-5">{props.action}</div>}
    </div>
  );
}
