import type { ReactNode } from "react";

export function Card(props: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <section
      data-testid={props.testId}
      className={`rounded-xl border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900 ${props.className ?? ""}`}
    >
      {(props.title || props.actions) && (
        <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
          {props.title && <h2 className="text-sm font-semibold tracking-tight">{props.title}</h2>}
          {props.actions && <div className="flex items-center gap-2">{props.actions}</div>}
        </div>
      )}
      {props.children}
    </section>
  );
}

export function Stat(props: { label: string; value: ReactNode; hint?: ReactNode; testId?: string }) {
  return (
    <div
      data-testid={props.testId}
      className="rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <dt className="text-xs font-medium uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
        {props.label}
      </dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums">{props.value}</dd>
      {props.hint && <dd className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">{props.hint}</dd>}
    </div>
  );
}
