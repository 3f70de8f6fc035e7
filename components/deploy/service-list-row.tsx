import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";

// One item of a list inside a service (an env var, a port, a volume): its fields, and a remove button
// named after what it removes (several "Remove" buttons on a page need names a screen reader tells apart).

export function ListRow(props: {
  children: ReactNode;
  removeLabel: string;
  onRemove: () => void;
  testId?: string;
}) {
  return (
    <li
      data-testid={props.testId}
      className="flex flex-col gap-2 rounded-md border border-zinc-200 p-3 sm:flex-row sm:items-start dark:border-zinc-800"
    >
      <div className="grid flex-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">{props.children}</div>
      <Button
        variant="ghost"
        size="sm"
        aria-label={props.removeLabel}
        onClick={props.onRemove}
        className="self-end sm:mt-6 sm:self-start"
      >
        Remove
      </Button>
    </li>
  );
}

export function ListHeader(props: {
  title: string;
  addLabel: string;
  onAdd: () => void;
  disabled?: boolean;
  children?: ReactNode;
}) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-2">
      <h4 className="text-sm font-medium">{props.title}</h4>
      {props.children}
      <Button variant="secondary" size="sm" onClick={props.onAdd} disabled={props.disabled}>
        {props.addLabel}
      </Button>
    </div>
  );
}
