"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ErrorNote, Field } from "@/components/ui/field";
import { Table, TBody, THead, Th } from "@/components/ui/table";
import { formatBytes, formatCores } from "@/lib/market/format";
import { offeredCapacity } from "@/lib/provider/offered-capacity";
import { NavButtons } from "./nav-buttons";
import type { WizardStepProps } from "./onboard-wizard.types";

// Step 5: the cluster's nodes as the checks found them, and the share of the free capacity to offer.

export function CapacityStep(
  props: WizardStepProps & {
    onNext: (offer: number) => Promise<void>;
  },
) {
  const inv = props.draft.probe?.inventory;
  const [offer, setOffer] = useState(props.draft.offerPercent);
  const [busy, setBusy] = useState(false);
  if (!inv)
    return (
      <div>
        <ErrorNote>No inventory yet: go back and verify the cluster.</ErrorNote>
        <NavButtons onBack={props.onBack} next={null} />
      </div>
    );
  const offered = offeredCapacity(inv.allocatable, offer);
  return (
    <div className="space-y-5">
      <Table label="Nodes" testId="capacity-nodes">
        <THead>
          <Th>Node</Th>
          <Th>CPU (free / total)</Th>
          <Th>Memory (free / total)</Th>
          <Th>GPUs</Th>
          <Th>Region</Th>
          <Th>State</Th>
        </THead>
        <TBody>
          {inv.nodes.map((n) => (
            <tr key={n.name}>
              <td className="font-mono text-xs">{n.name}</td>
              <td className="tabular-nums">
                {formatCores(n.free.cpuMillis, { unit: false })} /{" "}
                {formatCores(n.allocatable.cpuMillis, { unit: false })}
              </td>
              <td className="tabular-nums">
                {formatBytes(n.free.memoryBytes)} / {formatBytes(n.allocatable.memoryBytes)}
              </td>
              <td>{n.allocatable.gpus ? `${n.free.gpus}/${n.allocatable.gpus} × ${n.gpuModel}` : "—"}</td>
              <td>{n.region ?? "—"}</td>
              <td>{n.ready && n.schedulable ? "ready" : n.ready ? "cordoned" : "not ready"}</td>
            </tr>
          ))}
        </TBody>
      </Table>
      {inv.region && props.draft.profile && inv.region !== props.draft.profile.region && (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">
          Your nodes say region <strong>{inv.region}</strong>, your profile says{" "}
          <strong>{props.draft.profile.region}</strong>. Tenants filter by the profile's region; go back to
          change it if needed.
        </p>
      )}
      <Field
        label={`Offer ${offer}% of the free capacity`}
        htmlFor="offer-percent"
        hint="The rest stays yours: the bid engine never promises more than this share of any node."
      >
        <input
          id="offer-percent"
          data-testid="offer-percent"
          type="range"
          min={10}
          max={100}
          step={5}
          value={offer}
          onChange={(e) => setOffer(Number(e.target.value))}
          className="w-full accent-brand-600"
        />
      </Field>
      <p className="text-sm" data-testid="capacity-offered">
        Offered: {formatCores(offered.cpuMillis)}, {formatBytes(offered.memoryBytes)} memory
        {offered.gpus.length > 0 && `, ${offered.gpus.map((g) => `${g.count} × ${g.model}`).join(", ")}`} at
        most.
      </p>
      <NavButtons
        onBack={props.onBack}
        next={
          <Button
            data-testid="wizard-next"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              try {
                await props.onNext(offer);
              } finally {
                setBusy(false);
              }
            }}
          >
            Next
          </Button>
        }
      />
    </div>
  );
}
