import { type ClusterExposure, leaseUrl } from "@/lib/k8s/cluster-exposure";
import type { ManifestService } from "@/lib/market/manifest";
import type { LeaseEndpoint } from "./types";

// The lease page's "Public URLs": one row per exposed port. HTTP: the service's generated host
// (`<service>-<lease>.<baseDomain>`, https when the cluster has TLS) and each verified custom domain;
// TCP/UDP: a LoadBalancer's `host:port` or the NodePort the cluster assigned, read from the live
// status (the lease builder's `<service>-public` Service), until then "assigned when deployed". Client-safe: the server lists the
// rows, the page fills in NodePorts from the live status it already receives.

export interface PublicEndpoint {
  key: string;
  service: string;
  kind: "http" | "tcp" | "udp";
  port: number;
  /** HTTP: the URL to open. */
  url: string | null;
  /** A custom domain's row: the domain (the reachability route takes it). */
  domain: string | null;
  /** TCP/UDP: the NodePort, once the cluster assigned one. */
  nodePort: number | null;
  /** TCP/UDP: `host:port` where known (a LoadBalancer Service's address). */
  address: string | null;
  /** Why there is no address (e.g. the cluster offers no HTTP exposure). */
  note: string | null;
}

/** The URL a verified custom domain is served on: https only where cert-manager issues its certificate. */
export function customDomainUrl(exposure: ClusterExposure, domain: string): string {
  const tls = exposure.tls?.kind === "cert-manager";
  const standard = tls ? 443 : 80;
  const port = exposure.publicPort && exposure.publicPort !== standard ? `:${exposure.publicPort}` : "";
  return `${tls ? "https" : "http"}://${domain}${port}/`;
}

export function listPublicEndpoints(opts: {
  leaseId: string;
  exposure: ClusterExposure | null;
  services: ManifestService[];
  verifiedDomains: { service: string; domain: string }[];
}): PublicEndpoint[] {
  const { exposure } = opts;
  const rows: PublicEndpoint[] = [];
  for (const svc of opts.services) {
    const ports = svc.ports ?? [];
    // The generated host routes to the service's first HTTP port (lib/k8s/build-lease-objects.ts).
    const http = ports.find((p) => p.expose === "http");
    if (http) {
      let url: string | null = null;
      try {
        url = leaseUrl(exposure, svc.name, opts.leaseId);
      } catch {
        // leaseHost refuses a label over 63 characters: the lease builder refuses it the same way.
      }
      rows.push({
        key: `${svc.name}/http`,
        service: svc.name,
        kind: "http",
        port: http.port,
        url,
        domain: null,
        nodePort: null,
        address: null,
        note: url ? null : "this cluster offers no HTTP exposure",
      });
      if (exposure && url)
        for (const d of opts.verifiedDomains.filter((d) => d.service === svc.name))
          rows.push({
            key: `${svc.name}/domain/${d.domain}`,
            service: svc.name,
            kind: "http",
            port: http.port,
            url: customDomainUrl(exposure, d.domain),
            domain: d.domain,
            nodePort: null,
            address: null,
            note: null,
          });
    }
    for (const p of ports) {
      if (p.expose !== "tcp" && p.expose !== "udp") continue;
      rows.push({
        key: `${svc.name}/${p.expose}/${p.port}`,
        service: svc.name,
        kind: p.expose,
        port: p.port,
        url: null,
        domain: null,
        nodePort: null,
        address: null,
        note:
          !exposure || exposure.ports === "none"
            ? "this cluster offers no TCP/UDP exposure"
            : "assigned when deployed",
      });
    }
  }
  return rows;
}

/**
 * Fills in what the live status knows of TCP/UDP ports (the service's Service, or its `-public` one):
 * a LoadBalancer's address as `host:port`, else the NodePort the cluster assigned.
 */
export function withLiveAddresses(
  rows: PublicEndpoint[],
  endpoints: LeaseEndpoint[] | null | undefined,
): PublicEndpoint[] {
  if (!endpoints?.length) return rows;
  return rows.map((r) => {
    if (r.kind === "http") return r;
    const protocol = r.kind === "udp" ? "UDP" : "TCP";
    for (const e of endpoints) {
      if (e.name !== `${r.service}-public` && e.name !== r.service) continue;
      const p = e.ports.find((x) => x.port === r.port && x.protocol === protocol);
      if (!p) continue;
      const host = e.type === "LoadBalancer" ? e.addresses[0] : undefined;
      if (host)
        return {
          ...r,
          address: `${host.includes(":") ? `[${host}]` : host}:${p.port}`,
          nodePort: p.nodePort,
          note: null,
        };
      if (p.nodePort) return { ...r, nodePort: p.nodePort, note: null };
    }
    return r;
  });
}
