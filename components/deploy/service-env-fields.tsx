"use client";

import { type DraftBinding, type DraftPath, fieldId, listAt, without } from "./draft-binding";
import { DraftSelect, DraftText, GroupError, KindSelect } from "./draft-inputs";
import { ListHeader, ListRow } from "./service-list-row";

// A service's environment: each variable a plain value, or taken from one of the deployment's secrets
// (the value then never appears in the manifest, only the secret's name).

export function ServiceEnvFields(props: { b: DraftBinding; at: DraftPath; secretNames: string[] }) {
  const { b, at, secretNames } = props;
  const path = [...at, "env"];
  const env = listAt(b, path);
  return (
    <section className="space-y-2">
      <ListHeader
        title="Environment"
        addLabel="Add variable"
        onAdd={() => b.set(path, [...env, { name: "", value: "" }])}
      />
      <GroupError b={b} path={path} />
      {env.length > 0 && (
        <ul className="space-y-2">
          {env.map((item, i) => {
            const fromSecret = item !== null && typeof item === "object" && "secret" in item;
            const row = [...path, i];
            return (
              <ListRow
                key={i}
                removeLabel={`Remove variable ${i + 1}`}
                onRemove={() => b.set(path, without(env, i))}
              >
                <DraftText b={b} path={[...row, "name"]} label="Name" />
                <KindSelect
                  id={fieldId([...row, "source"])}
                  label="Source"
                  value={fromSecret ? "secret" : "value"}
                  options={[
                    ["value", "Plain value"],
                    ["secret", "From secret"],
                  ]}
                  onChange={(kind) => {
                    const name = (item as { name?: unknown } | null)?.name ?? "";
                    b.set(
                      row,
                      kind === "secret" ? { name, secret: secretNames[0] ?? "" } : { name, value: "" },
                    );
                  }}
                />
                {fromSecret ? (
                  <DraftSelect
                    b={b}
                    path={[...row, "secret"]}
                    label="Secret"
                    hint={secretNames.length ? undefined : "Add a secret under Secrets first"}
                    options={[["", "choose…"], ...secretNames.map((n) => [n, n] as const)]}
                    className="sm:col-span-2"
                  />
                ) : (
                  <DraftText b={b} path={[...row, "value"]} label="Value" className="sm:col-span-2" />
                )}
                <GroupError b={b} path={row} />
              </ListRow>
            );
          })}
        </ul>
      )}
    </section>
  );
}
