import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";

/** Back on the left, the step's own way forward on the right. */
export function NavButtons(props: { onBack: () => void; next: ReactNode }) {
  return (
    <div className="mt-6 flex items-center justify-between border-t border-zinc-200 pt-4 dark:border-zinc-800">
      <Button variant="secondary" onClick={props.onBack} data-testid="wizard-back">
        Back
      </Button>
      {props.next}
    </div>
  );
}

/**
 * The foot of a settings form that serves both the wizard (with `onBack`: Back, then the submit as
 * "wizard-next") and the console (a "Saved ✓" status, then the submit as `${saveTestId}`).
 */
export function FormFooter(props: {
  onBack?: () => void;
  saved: boolean;
  busy: boolean;
  busyLabel: string;
  submitLabel: string;
  saveTestId: string;
}) {
  return (
    <div className="flex items-center justify-between border-t border-zinc-200 pt-4 dark:border-zinc-800">
      {props.onBack ? (
        <Button variant="secondary" onClick={props.onBack} data-testid="wizard-back">
          Back
        </Button>
      ) : (
        <span className="text-sm text-emerald-700 dark:text-emerald-400" role="status">
          {props.saved ? "Saved ✓" : ""}
        </span>
      )}
      <Button
        type="submit"
        disabled={props.busy}
        data-testid={props.onBack ? "wizard-next" : props.saveTestId}
      >
        {props.busy ? props.busyLabel : props.submitLabel}
      </Button>
    </div>
  );
}
