import { describe, expect, it } from "vitest";
import type { ClusterExposure } from "@/lib/k8s/cluster-exposure";
import { canonicalizeManifest, type ManifestService, manifestServices } from "@/lib/market/manifest";
import { customDomainUrl, listPublicEndpoints, withLiveAddresses } from "./public-endpoints";

const base: ClusterExposure = {
  ingressClass: "nginx",
  ingressNamespace: "ingress-nginx",
  baseDomain: "apps.example.net",
  tls: null,
  ports: "nodeport",
};
const tlsSecret: ClusterExposure = {
  ...base,
  tls: { kind: "secret", namespace: "ingress-nginx", name: "wildcard" },
};
const certManager: ClusterExposure = {
  ...base,
  tls: { kind: "cert-manager", issuerKind: "ClusterIssuer", issuer: "letsencrypt" },
};

const services: ManifestService[] = manifestServices(
  canonicalizeManifest({
    version: 2,
    name: "shop",
    services: [
      {
        name: "web",
        image: "nginx:1.27",
        ports: [
          { port: 8080, expose: "http" },
          { port: 9090, expose: "internal" },
        ],
        resources: { cpu: 100, memory: 128 },
        replicas: 1,
      },
      {
        name: "db",
        image: "postgres:16",
        ports: [{ port: 5432, expose: "tcp" }],
        resources: { cpu: 100, memory: 256 },
        replicas: 1,
      },
    ],
  }).manifest,
).services;

describe("listPublicEndpoints", () => {
  it("lists the generated host (https with TLS), verified domains, and TCP ports awaiting their NodePort", () => {
    const rows = listPublicEndpoints({
      leaseId: "7",
      exposure: tlsSecret,
      services,
      verifiedDomains: [{ service: "web", domain: "shop.example.com" }],
    });
    expect(rows.map((r) => [r.kind, r.url, r.note])).toEqual([
      ["http", "https://web-7.apps.example.net/", null],
      // The wildcard certificate does not cover the tenant's domain: plain HTTP.
      ["http", "http://shop.example.com/", null],
      ["tcp", null, "assigned when deployed"],
    ]);
  });

  it.each([
    ["no exposure", null, "this cluster offers no HTTP exposure", "this cluster offers no TCP/UDP exposure"],
    ["HTTP only", { ...base, ports: "none" as const }, null, "this cluster offers no TCP/UDP exposure"],
    [
      "no ingress class",
      { ...base, ingressClass: null },
      "this cluster offers no HTTP exposure",
      "assigned when deployed",
    ],
  ])("%s", (_name, exposure, httpNote, tcpNote) => {
    const rows = listPublicEndpoints({ leaseId: "7", exposure, services, verifiedDomains: [] });
    expect(rows.map((r) => r.note)).toEqual([httpNote, tcpNote]);
  });

  it("fills in the NodePort the live status shows for the service's public Service", () => {
    const rows = listPublicEndpoints({ leaseId: "7", exposure: base, services, verifiedDomains: [] });
    const filled = withLiveAddresses(rows, [
      {
        name: "db",
        type: "ClusterIP",
        clusterIP: "10.0.0.5",
        addresses: [],
        ports: [{ name: null, port: 5432, protocol: "TCP", nodePort: null }],
      },
      {
        name: "db-public",
        type: "NodePort",
        clusterIP: "10.0.0.6",
        addresses: [],
        ports: [{ name: null, port: 5432, protocol: "TCP", nodePort: 31234 }],
      },
    ]);
    expect(filled.find((r) => r.kind === "tcp")).toMatchObject({
      nodePort: 31234,
      address: null,
      note: null,
    });
  });

  it("gives a LoadBalancer Service's address as host:port", () => {
    const rows = listPublicEndpoints({
      leaseId: "7",
      exposure: { ...base, ports: "loadbalancer" },
      services,
      verifiedDomains: [],
    });
    const lb = (address: string) =>
      withLiveAddresses(rows, [
        {
          name: "db-public",
          type: "LoadBalancer",
          clusterIP: "10.0.0.6",
          addresses: [address],
          ports: [{ name: null, port: 5432, protocol: "TCP", nodePort: 31234 }],
        },
      ]).find((r) => r.kind === "tcp")?.address;
    expect(lb("203.0.113.9")).toBe("203.0.113.9:5432");
    expect(lb("2001:db8::9")).toBe("[2001:db8::9]:5432");
    expect(lb("db.lb.example.net")).toBe("db.lb.example.net:5432");
  });
});

describe("customDomainUrl", () => {
  it.each([
    [base, "http://shop.example.com/"],
    [tlsSecret, "http://shop.example.com/"],
    [certManager, "https://shop.example.com/"],
    [{ ...base, publicPort: 8443 }, "http://shop.example.com:8443/"],
  ])("%j → %s", (exposure, url) => {
    expect(customDomainUrl(exposure, "shop.example.com")).toBe(url);
  });
});
