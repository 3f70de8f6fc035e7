import { Badge } from "@/components/ui/badge";
import type { ClusterOffer } from "@/lib/market/get-market-overview";
import { formatTokenAmount } from "@/lib/market/price-order";

// What each of a provider's clusters offers beyond compute, for the market's providers table: HTTP
// ingress (with its TLS), TCP/UDP ports, and the storage classes with their price per GiB-hour.

const PORTS: Record<ClusterOffer["ports"], string> = {
  none: "no TCP/UDP",
  nodeport: "TCP/UDP: NodePort",
  loadbalancer: "TCP/UDP: LoadBalancer",
};

export function ClusterOffers(props: { offers: ClusterOffer[] }) {
  return (
    <ul className="space-y-1.5">
      {props.offers.map((o) => (
        <li key={o.name} data-testid="cluster-offer" data-cluster={o.name} className="space-y-1">
          {props.offers.length > 1 && <span className="block font-mono text-xs">{o.name}</span>}
          <span className="flex flex-wrap gap-1">
            <Badge tone={o.http ? "green" : "gray"} testId="offer-http">
              {o.http ? `HTTP ingress${o.tls ? " + TLS" : " (no TLS)"}` : "no HTTP ingress"}
            </Badge>
            <Badge tone={o.ports === "none" ? "gray" : "blue"} testId="offer-ports">
              {PORTS[o.ports]}
            </Badge>
          </span>
          <span className="block text-xs tabular-nums" data-testid="offer-storage">
            {o.storageClasses.length === 0
              ? "no volumes"
              : o.storageClasses
                  .map((c) => `${c.name} ${formatTokenAmount(c.pricePerGiBHour)} /GiB·h`)
                  .join(", ")}
          </span>
        </li>
      ))}
    </ul>
  );
}
