"use client";

import type { ButtonHTMLAttributes, ReactNode } from "react";

// Small building blocks of the provider pages (buttons, cards, fields, badges), light and dark.

type Variant = "primary" | "secondary" | "danger" | "ghost";

const variants: Record<Variant, string> = {
  primary: "bg-brand-600 text-white hover:bg-brand-700 disabled:opacity-50",
  secondary:
    "border border-zinc-300 bg-white text-zinc-900 hover:bg-zinc-50 disabled:opacity-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800",
  danger: "bg-red-600 text-white hover:bg-red-700 disabled:opacity-50",
  ghost: "text-zinc-600 hover:text-zinc-900 disabled:opacity-50 dark:text-zinc-400 dark:hover:text-white",
};

export function Button({
  variant = "primary",
  className = "",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return (
    <button
      type="button"
      {...props}
      className={`inline-flex items-center justify-center gap-2 rounded-md px-4 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 disabled:cursor-not-allowed ${variants[variant]} ${className}`}
    />
  );
}

export function Card(props: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  testId?: string;
  className?: string;
}) {
  return (
    <section
      data-testid={props.testId}
      className={`rounded-xl border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900 ${props.className ?? ""}`}
    >
      {(props.title || props.actions) && (
        <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
          {props.title && <h2 className="text-base font-semibold">{props.title}</h2>}
          {props.actions && <div className="flex flex-wrap gap-2">{props.actions}</div>}
        </div>
      )}
      {props.children}
    </section>
  );
}

export const inputClass =
  "w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm text-zinc-900 placeholder:text-zinc-400 focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-brand-600/30 dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-100";

export function Field(props: {
  label: string;
  htmlFor: string;
  hint?: ReactNode;
  error?: string | null;
  children: ReactNode;
}) {
  return (
    <div className="space-y-1">
      <label htmlFor={props.htmlFor} className="block text-sm font-medium">
        {props.label}
      </label>
      {props.children}
      {props.error ? (
        <p id={`${props.htmlFor}-error`} role="alert" className="text-xs text-red-600 dark:text-red-400">
          {props.error}
        </p>
      ) : (
        props.hint && <p className="text-xs text-zinc-500 dark:text-zinc-400">{props.hint}</p>
      )}
    </div>
  );
}

export function Badge(props: {
  tone: "green" | "red" | "amber" | "zinc" | "blue";
  children: ReactNode;
  testId?: string;
}) {
  const tones = {
    green: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
    red: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
    amber: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
    zinc: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
    blue: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300",
  };
  return (
    <span
      data-testid={props.testId}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ${tones[props.tone]}`}
    >
      {props.children}
    </span>
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

export function Spinner({ label }: { label: string }) {
  return (
    <span className="inline-flex items-center gap-2 text-sm text-zinc-500" role="status">
      <span
        className="h-4 w-4 animate-spin rounded-full border-2 border-zinc-300 border-t-brand-600"
        aria-hidden
      />
      {label}
    </span>
  );
}

const GIB = 1024 ** 3;
export const fmtCpu = (millis: number) => `${Math.round(millis / 100) / 10}`;
export const fmtGib = (bytes: number) => `${Math.round((bytes / GIB) * 10) / 10} GiB`;
export const shortHex = (v: string) => `${v.slice(0, 6)}…${v.slice(-4)}`;
