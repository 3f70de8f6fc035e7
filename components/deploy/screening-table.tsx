import { Badge } from "@/components/ui/badge";
import { shortHex } from "@/lib/market/format";
import { formatTokenAmount } from "@/lib/market/price-order";
import type { ScreeningResult } from "@/lib/market/screen-order";

export function ScreeningTable(props: { results: ScreeningResult[] }) {
  if (props.results.length === 0) return <p className="text-sm text-zinc-500">No provider is listed yet.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <thead className="text-xs uppercase tracking-wide text-zinc-500">
          <tr>
            <th className="py-2 pr-4 font-medium">Provider</th>
            <th className="py-2 pr-4 font-medium">Its rate for this order</th>
            <th className="py-2 pr-4 font-medium">Verdict</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {props.results.map((r) => (
            <tr key={r.address} data-testid="screening-row" data-eligible={r.eligible}>
              <td className="py-2 pr-4">
                <span className="font-medium">{r.name ?? "Unnamed provider"}</span>{" "}
                <span className="font-mono text-xs text-zinc-500">{shortHex(r.address)}</span>
              </td>
              <td className="py-2 pr-4 tabular-nums">
                {r.pricePerHour !== null ? `${formatTokenAmount(r.pricePerHour)} USD/h` : "—"}
              </td>
              <td className="py-2 pr-4">
                {r.eligible ? (
                  <Badge tone="green">can take it{r.autoBid ? " · bids automatically" : ""}</Badge>
                ) : (
                  <span className="text-xs text-zinc-600 dark:text-zinc-400">{r.reasons.join("; ")}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
