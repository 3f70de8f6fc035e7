"use client";

import { useEffect, useState } from "react";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { inputClass } from "@/components/ui/field";

// The manifest as text (YAML or JSON). Edits that parse replace the draft (schema errors are shown
// by the caller, inline); text that does not parse keeps the last draft and shows where it broke.

export function ManifestEditor(props: {
  draft: unknown;
  format: "yaml" | "json";
  onChange: (draft: unknown) => void;
  issues: { path: string; message: string }[];
}) {
  const serialize = (value: unknown) =>
    props.format === "yaml" ? toYaml(value, { indent: 2 }) : JSON.stringify(value, null, 2);
  const [text, setText] = useState(() => serialize(props.draft));
  const [parseError, setParseError] = useState<string | null>(null);
  const [lastFormat, setLastFormat] = useState(props.format);

  // Re-serialise when the format changes or the draft changed elsewhere (form, template).
  // biome-ignore lint/correctness/useExhaustiveDependencies: serialize depends on format only
  useEffect(() => {
    let current: unknown;
    try {
      current = lastFormat === "yaml" ? parseYaml(text) : JSON.parse(text);
    } catch {
      current = undefined;
    }
    if (props.format !== lastFormat || JSON.stringify(current) !== JSON.stringify(props.draft)) {
      setText(serialize(props.draft));
      setParseError(null);
      setLastFormat(props.format);
    }
  }, [props.draft, props.format]);

  return (
    <div className="space-y-2">
      <textarea
        data-testid="manifest-editor"
        aria-label={`Manifest (${props.format.toUpperCase()})`}
        spellCheck={false}
        value={text}
        onChange={(e) => {
          const value = e.target.value;
          setText(value);
          try {
            const parsed = props.format === "yaml" ? parseYaml(value) : JSON.parse(value);
            setParseError(null);
            props.onChange(parsed ?? {});
          } catch (error) {
            setParseError((error as Error).message.split("\n")[0] ?? "does not parse");
          }
        }}
        rows={18}
        className={`${inputClass} font-mono text-xs leading-5`}
      />
      {parseError && (
        <p role="alert" className="text-xs text-red-600 dark:text-red-400">
          {props.format.toUpperCase()} does not parse: {parseError}
        </p>
      )}
      {!parseError && props.issues.length > 0 && (
        <ul data-testid="manifest-issues" className="space-y-0.5 text-xs text-red-600 dark:text-red-400">
          {props.issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              <code className="font-mono">{issue.path || "(manifest)"}</code>: {issue.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
