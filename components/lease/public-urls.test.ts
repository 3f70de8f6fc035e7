import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { CustomDomainView } from "@/lib/lease/domains/manage-custom-domains";
import type { PublicEndpoint } from "@/lib/lease/public-endpoints";
import { PublicUrls } from "./public-urls";

// The Public URLs card as its server render shows it: each row's address, the custom domains with the
// record to publish, and the add form for the tenant only.

const row = (r: Partial<PublicEndpoint>): PublicEndpoint => ({
  key: r.key ?? `${r.service}/${r.kind}/${r.port}`,
  service: "web",
  kind: "http",
  port: 8080,
  url: null,
  domain: null,
  nodePort: null,
  address: null,
  note: null,
  ...r,
});

const endpoints = [
  row({ url: "https://web-7.apps.example.net/" }),
  row({ service: "db", kind: "tcp", port: 5432, note: "assigned when deployed" }),
];
const domains: CustomDomainView[] = [
  {
    id: 3,
    service: "web",
    domain: "shop.example.com",
    status: "failed",
    detail: "shop.example.com has no CNAME record; add one pointing to web-7.apps.example.net",
    target: "web-7.apps.example.net",
    checkedAt: null,
    served: false,
  },
];

const render = (isTenant: boolean, live: Parameters<typeof PublicUrls>[0]["liveEndpoints"] = null) =>
  renderToStaticMarkup(
    createElement(
      QueryClientProvider,
      { client: new QueryClient() },
      createElement(PublicUrls, {
        leaseId: "7",
        active: true,
        isTenant,
        endpoints,
        liveEndpoints: live,
        domains,
        onChange: () => {},
      }),
    ),
  );

describe("PublicUrls", () => {
  it("lists the URL, a port waiting for its NodePort, and the CNAME a domain needs", () => {
    const html = render(true);
    expect(html).toContain('href="https://web-7.apps.example.net/"');
    expect(html).toContain('data-testid="reachability" data-state="checking"');
    expect(html).toContain("assigned when deployed");
    expect(html).toContain("shop.example.com CNAME web-7.apps.example.net");
    expect(html).toContain('data-testid="domain-input"');
    expect(html).toContain('data-testid="domain-remove"');
  });

  it("shows the NodePort once the live status has it", () => {
    const html = render(true, [
      {
        name: "db-public",
        type: "NodePort",
        clusterIP: "10.0.0.6",
        addresses: [],
        ports: [{ name: null, port: 5432, protocol: "TCP", nodePort: 30432 }],
      },
    ]);
    expect(html).toContain("node port 30432");
    expect(html).not.toContain("assigned when deployed");
  });

  it("gives the provider no way to change the tenant's domains", () => {
    const html = render(false);
    expect(html).toContain("shop.example.com");
    expect(html).not.toContain('data-testid="domain-input"');
    expect(html).not.toContain('data-testid="domain-remove"');
  });
});
