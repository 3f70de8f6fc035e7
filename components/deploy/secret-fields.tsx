"use client";

import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { KEPT_SECRET } from "@/lib/market/draft-manifest";
import { type DraftBinding, fieldId, listAt, pathKey, without } from "./draft-binding";
import { DraftText, GroupError } from "./draft-inputs";
import { ListHeader, ListRow } from "./service-list-row";

// The deployment's secrets: a name (what services' env refers to) and a value. The value stays in this
// page's memory (never in localStorage, a saved draft or the URL); at signing it is salted and hashed
// into the manifest and sent once, beside it, to be stored encrypted for the provider's cluster.

export function SecretFields(props: { b: DraftBinding }) {
  const { b } = props;
  const path = ["secrets"];
  const secrets = listAt(b, path);
  return (
    <section className="space-y-2" data-testid="secrets">
      <ListHeader
        title="Secrets"
        addLabel="Add secret"
        onAdd={() => b.set(path, [...secrets, { name: "", value: "" }])}
      />
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        A secret's value is encrypted for the provider's cluster and never shown again after you sign. The
        signed order's hash holds only a salted digest of it, not the value. It is kept in this page only: not
        saved in your browser, in a draft or in the URL.
      </p>
      <GroupError b={b} path={path} />
      {secrets.length > 0 && (
        <ul className="space-y-2">
          {secrets.map((_, i) => (
            <ListRow
              key={i}
              removeLabel={`Remove secret ${i + 1}`}
              onRemove={() => b.set(path, without(secrets, i))}
            >
              <DraftText b={b} path={[...path, i, "name"]} label="Name" />
              <SecretValueField b={b} index={i} />
              <GroupError b={b} path={[...path, i]} />
            </ListRow>
          ))}
        </ul>
      )}
    </section>
  );
}

function SecretValueField(props: { b: DraftBinding; index: number }) {
  const { b } = props;
  const path = ["secrets", props.index, "value"];
  const [shown, setShown] = useState(false);
  const error = b.issue(path);
  const value = b.get(path);
  // A running lease's secret keeps its stored value (never sent back to the page) until replaced.
  if (value === KEPT_SECRET)
    return (
      <div
        className="flex items-center gap-2 sm:col-span-2 lg:col-span-3 sm:pt-6"
        data-testid={`kept-${pathKey(path)}`}
      >
        <Badge tone="green">set</Badge>
        <Button variant="secondary" size="sm" onClick={() => b.set(path, "")}>
          Replace
        </Button>
      </div>
    );
  return (
    <div className="sm:col-span-2 lg:col-span-3">
      <Field label="Value" error={error} htmlFor={fieldId(path)}>
        <div className="flex gap-2">
          <input
            id={fieldId(path)}
            data-testid={`field-${pathKey(path)}`}
            type={shown ? "text" : "password"}
            autoComplete="new-password"
            spellCheck={false}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${fieldId(path)}-error` : undefined}
            className={`${inputClass} font-mono`}
            value={typeof value === "string" ? value : ""}
            onChange={(e) => b.set(path, e.target.value)}
          />
          <Button
            variant="secondary"
            size="sm"
            aria-pressed={shown}
            aria-controls={fieldId(path)}
            onClick={() => setShown(!shown)}
          >
            {shown ? "Hide" : "Show"}
          </Button>
        </div>
      </Field>
    </div>
  );
}
