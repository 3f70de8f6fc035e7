"use client";

import { useId, useState } from "react";
import { Field, inputClass } from "@/components/ui/field";
import { type DraftBinding, type DraftPath, fieldId, numberOrText, pathKey } from "./draft-binding";

// The form's controls, each bound to one path of the draft: a label, the control, and the schema's
// message for that path beneath it (announced, and named by the control's aria-describedby).

const text = (v: unknown) => (v === undefined || v === null ? "" : String(v));

function described(b: DraftBinding, path: DraftPath) {
  const error = b.issue(path);
  return {
    id: fieldId(path),
    "data-testid": `field-${pathKey(path)}`,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? `${fieldId(path)}-error` : undefined,
  };
}

export function DraftText(props: {
  b: DraftBinding;
  path: DraftPath;
  label: string;
  hint?: string;
  numeric?: boolean;
  /** Shown while empty (what an absent member means). */
  placeholder?: string;
  className?: string;
}) {
  const { b, path } = props;
  return (
    <div className={props.className}>
      <Field label={props.label} error={b.issue(path)} hint={props.hint} htmlFor={fieldId(path)}>
        <input
          {...described(b, path)}
          className={inputClass}
          inputMode={props.numeric ? "numeric" : undefined}
          placeholder={props.placeholder}
          value={text(b.get(path))}
          onChange={(e) => {
            const v = e.target.value;
            b.set(path, v === "" && props.numeric ? undefined : props.numeric ? numberOrText(v) : v);
          }}
        />
      </Field>
    </div>
  );
}

export function DraftSelect(props: {
  b: DraftBinding;
  path: DraftPath;
  label: string;
  options: readonly (readonly [string, string])[];
  /** The option an absent member means (the schema's default), so the select shows what applies. */
  absentMeans?: string;
  hint?: string;
  onSelect?: (value: string) => void;
  className?: string;
}) {
  const { b, path } = props;
  const raw = b.get(path);
  const value = raw === undefined ? (props.absentMeans ?? "") : text(raw);
  // A value typed in YAML that is not among the options is shown as itself (the schema judges it).
  const options = props.options.some(([v]) => v === value)
    ? props.options
    : [...props.options, [value, value] as const];
  return (
    <div className={props.className}>
      <Field label={props.label} error={b.issue(path)} hint={props.hint} htmlFor={fieldId(path)}>
        <select
          {...described(b, path)}
          className={inputClass}
          value={value}
          onChange={(e) =>
            props.onSelect ? props.onSelect(e.target.value) : b.set(path, e.target.value || undefined)
          }
        >
          {options.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      </Field>
    </div>
  );
}

/** One string per line (command, args, an exec check); an empty box leaves the member out. The typed
 * text is kept while it means the stored list, so an Enter at the end is not swallowed. */
export function DraftLines(props: {
  b: DraftBinding;
  path: DraftPath;
  label: string;
  hint?: string;
  className?: string;
}) {
  const { b, path } = props;
  const value = b.get(path);
  const stored = Array.isArray(value) ? value.map(text).join("\n") : text(value);
  const [typed, setTyped] = useState(stored);
  const lines = (t: string) => t.split("\n").filter((l) => l.length > 0);
  const shown = lines(typed).join("\n") === stored ? typed : stored;
  const error = b.issue(path) ?? firstBelow(b, path, Array.isArray(value) ? value.length : 0);
  return (
    <div className={props.className}>
      <Field label={props.label} error={error} hint={props.hint} htmlFor={fieldId(path)}>
        <textarea
          {...described(b, path)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${fieldId(path)}-error` : undefined}
          rows={2}
          className={`${inputClass} font-mono text-xs`}
          value={shown}
          onChange={(e) => {
            setTyped(e.target.value);
            const list = lines(e.target.value);
            b.set(path, list.length ? list : undefined);
          }}
        />
      </Field>
    </div>
  );
}

/** The first message about one of a list's items (a line of a command, say), prefixed by its line. */
function firstBelow(b: DraftBinding, path: DraftPath, n: number): string | null {
  for (let i = 0; i < n; i++) {
    const m = b.issue([...path, i]);
    if (m) return `line ${i + 1}: ${m}`;
  }
  return null;
}

/** A box that writes `on` (default `true`) when checked and leaves the member out when not. */
export function DraftCheckbox(props: {
  b: DraftBinding;
  path: DraftPath;
  label: string;
  hint?: string;
  on?: string | boolean;
}) {
  const on = props.on ?? true;
  const { b, path } = props;
  const hintId = useId();
  const error = b.issue(path);
  return (
    <div className="space-y-1">
      <label className="flex items-start gap-2 text-sm" htmlFor={fieldId(path)}>
        <input
          {...described(b, path)}
          aria-describedby={error ? `${fieldId(path)}-error` : props.hint ? hintId : undefined}
          type="checkbox"
          className="mt-0.5 size-4 accent-brand-600"
          checked={b.get(path) === on}
          onChange={(e) => b.set(path, e.target.checked ? on : undefined)}
        />
        <span>
          <span className="font-medium">{props.label}</span>
          {props.hint && (
            <span id={hintId} className="block text-xs text-zinc-500 dark:text-zinc-400">
              {props.hint}
            </span>
          )}
        </span>
      </label>
      {error && (
        <p id={`${fieldId(path)}-error`} role="alert" className="text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}

/** A message about a whole list or object (duplicates, a check without a handler…). */
export function GroupError(props: { b: DraftBinding; path: DraftPath }) {
  const error = props.b.issue(props.path);
  if (!error) return null;
  return (
    <p
      id={`${fieldId(props.path)}-error`}
      data-testid={`error-${pathKey(props.path)}`}
      role="alert"
      className="text-xs text-red-600 dark:text-red-400"
    >
      {error}
    </p>
  );
}

/** A choice that shapes the draft (which kind of check, where a variable's value comes from) rather
 * than being a member of it. */
export function KindSelect(props: {
  id: string;
  label: string;
  value: string;
  options: readonly (readonly [string, string])[];
  onChange: (value: string) => void;
  className?: string;
}) {
  return (
    <div className={props.className}>
      <Field label={props.label} htmlFor={props.id}>
        <select
          id={props.id}
          data-testid={`field-${props.id.slice(2)}`}
          className={inputClass}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        >
          {props.options.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </Field>
    </div>
  );
}
