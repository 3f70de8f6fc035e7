import { Badge } from "@/components/ui/badge";
import { Table, TBody, THead, Th } from "@/components/ui/table";
import { shortHex } from "@/lib/market/format";
import { formatTokenAmount } from "@/lib/market/price-order";
import type { ScreeningResult } from "@/lib/market/screen-order";

export function ScreeningTable(props: { results: ScreeningResult[] }) {
  if (props.results.length === 0)
    return <p className="text-sm text-zinc-600 dark:text-zinc-400">No provider is listed yet.</p>;
  return (
    <Table label="Providers screened against this order">
      <THead>
        <Th>Provider</Th>
        <Th>Its rate for this order</Th>
        <Th>Verdict</Th>
      </THead>
      <TBody>
        {props.results.map((r) => (
          <tr key={r.address} data-testid="screening-row" data-eligible={r.eligible}>
            <td>
              <span className="font-medium">{r.name ?? "Unnamed provider"}</span>{" "}
              <span className="font-mono text-xs text-zinc-600 dark:text-zinc-400">
                {shortHex(r.address)}
              </span>
            </td>
            <td className="tabular-nums">
              {r.pricePerHour !== null ? `${formatTokenAmount(r.pricePerHour)} USD/h` : "—"}
            </td>
            <td>
              {r.eligible ? (
                <Badge tone="green">can take it{r.autoBid ? " · bids automatically" : ""}</Badge>
              ) : (
                <span className="text-xs text-zinc-600 dark:text-zinc-400">{r.reasons.join("; ")}</span>
              )}
            </td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
