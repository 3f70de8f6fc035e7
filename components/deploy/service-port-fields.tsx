"use client";

import { type DraftBinding, type DraftPath, listAt, without } from "./draft-binding";
import { DraftSelect, DraftText, GroupError } from "./draft-inputs";
import { ListHeader, ListRow } from "./service-list-row";

// A service's ports and how each is reached: a public hostname (HTTP through the provider's ingress),
// a node port (TCP/UDP, where the provider offers them) or only from the deployment's other services.

const EXPOSE_OPTIONS = [
  ["http", "HTTP (public hostname)"],
  ["tcp", "TCP (node port)"],
  ["udp", "UDP (node port)"],
  ["internal", "Internal (other services only)"],
] as const;

export function ServicePortFields(props: { b: DraftBinding; at: DraftPath }) {
  const { b, at } = props;
  const path = [...at, "ports"];
  const ports = listAt(b, path);
  return (
    <section className="space-y-2">
      <ListHeader
        title="Ports"
        addLabel="Add port"
        onAdd={() => b.set(path, [...ports, { port: 8080, protocol: "TCP", expose: "internal" }])}
      />
      <GroupError b={b} path={path} />
      {ports.length > 0 && (
        <ul className="space-y-2">
          {ports.map((_, i) => {
            const row = [...path, i];
            return (
              <ListRow
                key={i}
                removeLabel={`Remove port ${i + 1}`}
                onRemove={() => b.set(path, without(ports, i))}
              >
                <DraftText b={b} path={[...row, "port"]} label="Port" numeric />
                <DraftText b={b} path={[...row, "name"]} label="Name (optional)" />
                <DraftSelect
                  b={b}
                  path={[...row, "protocol"]}
                  label="Protocol"
                  absentMeans="TCP"
                  options={[
                    ["TCP", "TCP"],
                    ["UDP", "UDP"],
                  ]}
                />
                <DraftSelect
                  b={b}
                  path={[...row, "expose"]}
                  label="Expose"
                  absentMeans="internal"
                  options={EXPOSE_OPTIONS}
                  // HTTP and TCP are TCP; UDP is UDP: follow the choice rather than report a mismatch.
                  onSelect={(expose) => {
                    const port = b.get(row) as Record<string, unknown>;
                    const protocol =
                      expose === "udp" ? "UDP" : expose === "internal" ? (port.protocol ?? "TCP") : "TCP";
                    b.set(row, { ...port, expose, protocol });
                  }}
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
