import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import type { ScreeningResult } from "@/lib/market/screen-order";
import { ScreeningTable } from "./screening-table";

// Step 4: every provider screened against the order as it stands (resources, region, GPU model,
// max price), so the tenant sees before signing who could bid.

export function ScreeningStep(props: { screening: ScreeningResult[] }) {
  const eligible = props.screening.filter((s) => s.eligible).length;
  return (
    <Card
      title={
        <span>
          4. Who could take this order{" "}
          <Badge tone={eligible > 0 ? "green" : "red"} testId="screening-count">
            {eligible} of {props.screening.length} providers
          </Badge>
        </span>
      }
      testId="screening"
    >
      <ScreeningTable results={props.screening} />
    </Card>
  );
}
