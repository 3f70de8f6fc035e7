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
