import type { ReactNode } from "react";

// Focus shows as a solid 2 px ring in the brand colour (5.2:1 on white, 5.1:1 with brand-500 on
// zinc-950): WCAG 2.4.11/1.4.11 want a focus indicator of at least 3:1. The border is zinc-500 so
// the field's edge itself reads at 3:1 too. Placeholders are zinc-500 (4.8:1).
export const inputClass =
  "w-full rounded-md border border-zinc-500 bg-white px-3 py-2 text-sm text-zinc-900 placeholder:text-zinc-500 focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-brand-600 dark:border-zinc-500 dark:bg-zinc-950 dark:text-zinc-100 dark:placeholder:text-zinc-400 dark:focus:border-brand-500 dark:focus:ring-brand-500";

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

/**
 * A `Field` around one text input, wired to it: the input is marked invalid and described by the error
 * while there is one. `testId` defaults to the id.
 */
export function TextField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | null;
  hint?: ReactNode;
  testId?: string;
  inputMode?: "numeric" | "decimal" | "text";
  placeholder?: string;
  disabled?: boolean;
}) {
  const { id, error } = props;
  return (
    <Field label={props.label} error={error} hint={props.hint} htmlFor={id}>
      <input
        id={id}
        data-testid={props.testId ?? id}
        inputMode={props.inputMode}
        placeholder={props.placeholder}
        disabled={props.disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className={inputClass}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </Field>
  );
}
