"use client";

import { useEffect, useState } from "react";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { inputClass } from "@/components/ui/field";
import { maskSecrets, unmaskSecrets } from "@/lib/market/draft-manifest";

// The manifest as text (YAML or JSON). Edits that parse replace the draft (schema errors are shown
// by the caller, inline); text that does not parse keeps the last draft and shows where it broke. Secret
// values show masked (lib/market/draft-manifest.ts maskSecrets): typing over a mask sets a new value.

export function ManifestEditor(props: {
  draft: unknown;
  format: "yaml" | "json";
  onChange: (draft: unknown) => void;
  /** The text does not parse (a message) or parses again (null): signing waits for text that parses. */
  onParseError: (error: string | null) => void;
  issues: { path: string; message: string }[];
}) {
  const serialize = (value: unknown) =>
    props.format === "yaml"
      ? toYaml(maskSecrets(value), { indent: 2 })
      : JSON.stringify(maskSecrets(value), null, 2);
  const [text, setText] = useState(() => serialize(props.draft));
  const [parseError, setParseError] = useState<string | null>(null);
  const [lastFormat, setLastFormat] = useState(props.format);

  // Re-serialise when the format changes or the draft changed elsewhere (form, template).
  // biome-ignore lint/correctness/useExhaustiveDependencies: serialize depends on format only
  useEffect(() => {
    let current: unknown;
    try {
      current = unmaskSecrets(lastFormat === "yaml" ? parseYaml(text) : JSON.parse(text), props.draft);
    } catch {
      current = undefined;
    }
    if (props.format !== lastFormat || JSON.stringify(current) !== JSON.stringify(props.draft)) {
      setText(serialize(props.draft));
      setParseError(null);
      props.onParseError(null);
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
            props.onParseError(null);
            props.onChange(unmaskSecrets(parsed ?? {}, props.draft));
          } catch (error) {
            const message = (error as Error).message.split("\n")[0] ?? "does not parse";
            setParseError(message);
            props.onParseError(message);
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
