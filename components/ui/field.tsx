import type { ReactNode } from "react";

export const inputClass =
  "w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm text-zinc-900 placeholder:text-zinc-400 focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-brand-600/30 dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-100";

/** A labelled form control with its hint, or its error (announced, and addressable as `${htmlFor}-error`). */
export function Field(props: {
  label: string;
  error?: string | null;
  hint?: ReactNode;
  children: ReactNode;
  htmlFor?: string;
}) {
  return (
    <div className="space-y-1">
      <label htmlFor={props.htmlFor} className="block text-sm font-medium">
        {props.label}
      </label>
      {props.children}
      {props.error ? (
        <p
          id={props.htmlFor ? `${props.htmlFor}-error` : undefined}
          role="alert"
          className="text-xs text-red-600 dark:text-red-400"
        >
          {props.error}
        </p>
      ) : props.hint ? (
        <p className="text-xs text-zinc-500 dark:text-zinc-400">{props.hint}</p>
      ) : null}
    </div>
  );
}

export function ErrorNote(props: { children: ReactNode; testId?: string }) {
  return (
    <p
      role="alert"
      data-testid={props.testId}
      className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-300"
    >
      {props.children}
    </p>
  );
}
