import type { ReactNode } from "react";

export const inputClass =
  "w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm outline-none focus:border-brand-600 focus:ring-2 focus:ring-brand-600/20 dark:border-zinc-700 dark:bg-zinc-950";

export function Field(props: { label: string; error?: string | null; hint?: ReactNode; children: ReactNode; htmlFor?: string }) {
  return (
    <div className="space-y-1">
      <label htmlFor={props.htmlFor} className="block text-xs font-medium text-zinc-700 dark:text-zinc-300">
        {props.label}
      </label>
      {props.children}
      {props.error ? (
        <p role="alert" className="text-xs text-red-600 dark:text-red-400">
          {props.error}
        </p>
      ) : props.hint ? (
        <p className="text-xs text-zinc-500">{props.hint}</p>
      ) : null}
    </div>
  );
}

export function ErrorNote(props: { children: ReactNode; testId?: string }) {
  return (
    <p
      role="alert"
      data-testid={props.testId}
      className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300"
    >
      {props.children}
    </p>
  );
}
