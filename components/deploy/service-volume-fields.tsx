"use client";

import { useState } from "react";
import { Field, inputClass } from "@/components/ui/field";
import { type DraftBinding, type DraftPath, fieldId, listAt, pathKey, without } from "./draft-binding";
import { DraftText, GroupError } from "./draft-inputs";
import { ListHeader, ListRow } from "./service-list-row";

// A service's persistent volumes: a claim of the given size on a StorageClass of the provider's,
// mounted at a path. Sizes are stored in MiB; the form takes MiB or GiB.

export function ServiceVolumeFields(props: { b: DraftBinding; at: DraftPath }) {
  const { b, at } = props;
  const path = [...at, "volumes"];
  const volumes = listAt(b, path);
  return (
    <section className="space-y-2">
      <ListHeader
        title="Persistent volumes"
        addLabel="Add volume"
        onAdd={() =>
          b.set(path, [
            ...volumes,
            {
              name: `data${volumes.length ? volumes.length + 1 : ""}`,
              mount: `/data${volumes.length ? volumes.length + 1 : ""}`,
              size: 1024,
              storageClass: "standard",
            },
          ])
        }
      />
      <GroupError b={b} path={path} />
      {volumes.length > 0 && (
        <ul className="space-y-2">
          {volumes.map((_, i) => {
            const row = [...path, i];
            return (
              <ListRow
                key={i}
                removeLabel={`Remove volume ${i + 1}`}
                onRemove={() => b.set(path, without(volumes, i))}
              >
                <DraftText b={b} path={[...row, "name"]} label="Name" />
                <DraftText b={b} path={[...row, "mount"]} label="Mount path" />
                <SizeField b={b} path={[...row, "size"]} />
                <DraftText
                  b={b}
                  path={[...row, "storageClass"]}
                  label="StorageClass"
                  hint="One the provider offers; most clusters have “standard”"
                />
                <GroupError b={b} path={row} />
              </ListRow>
            );
          })}
        </ul>
      )}
    </section>
  );
}

const UNITS = { MiB: 1, GiB: 1024 } as const;
type Unit = keyof typeof UNITS;

/** A size typed in MiB or GiB, stored in MiB (text that is not a number is kept for the schema to flag). */
function SizeField(props: { b: DraftBinding; path: DraftPath }) {
  const { b, path } = props;
  const mib = b.get(path);
  const [unit, setUnit] = useState<Unit>(
    typeof mib === "number" && mib >= 1024 && mib % 1024 === 0 ? "GiB" : "MiB",
  );
  const shown = typeof mib === "number" ? String(mib / UNITS[unit]) : mib === undefined ? "" : String(mib);
  // What was typed, while it still means the stored size ("1." on the way to "1.5").
  const [typed, setTyped] = useState(shown);
  const display = typed.trim() !== "" && Math.round(Number(typed) * UNITS[unit]) === mib ? typed : shown;
  const error = b.issue(path);
  const write = (text: string, u: Unit) => {
    setTyped(text);
    const n = Number(text);
    b.set(path, text.trim() === "" || Number.isNaN(n) ? text : Math.round(n * UNITS[u]));
  };
  return (
    <Field label="Size" error={error} htmlFor={fieldId(path)}>
      <div className="flex gap-2">
        <input
          id={fieldId(path)}
          data-testid={`field-${pathKey(path)}`}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${fieldId(path)}-error` : undefined}
          inputMode="decimal"
          className={inputClass}
          value={display}
          onChange={(e) => write(e.target.value, unit)}
        />
        <select
          aria-label="Size unit"
          data-testid={`field-${pathKey(path)}-unit`}
          className={`${inputClass} w-24`}
          value={unit}
          onChange={(e) => setUnit(e.target.value as Unit)}
        >
          {Object.keys(UNITS).map((u) => (
            <option key={u}>{u}</option>
          ))}
        </select>
      </div>
    </Field>
  );
}
