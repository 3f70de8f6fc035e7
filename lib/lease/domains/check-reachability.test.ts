import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DnsTestServer, startDnsTestServer } from "@/lib/testing/dns-test-server";
import { checkReachability, refuseUrl, resolvePublicAddress } from "./check-reachability";
import { createDnsLookup, type DnsLookup } from "./dns-resolver";

// The reachability check's SSRF guard (which hosts, which addresses) and the check itself against a
// real HTTP server on 127.0.0.1 (reached as `*.localhost`, the local stack's names). Only loopback is
// ever connected to: private and public answers are judged without a connection.

let dnsServer: DnsTestServer;
let dns: DnsLookup;
let web: Server;
let port: number;
const seen: { method: string | undefined; host: string | undefined; url: string | undefined }[] = [];

const scope = { baseDomain: "apps.localhost", customDomains: ["shop.tenant.example"] };

beforeAll(async () => {
  dnsServer = await startDnsTestServer(
    new Map([
      ["shop.tenant.example", { cname: "web-1.apps.provider.example" }],
      ["web-1.apps.provider.example", { a: ["10.1.2.3"] }],
      ["mixed.apps.provider.example", { a: ["93.184.216.34", "169.254.169.254"] }],
      ["public.apps.provider.example", { a: ["93.184.216.34"] }],
      ["v6.apps.provider.example", { aaaa: ["::ffff:7f00:1"] }],
    ]),
  );
  dns = createDnsLookup([dnsServer.address]);
  web = createServer((req: IncomingMessage, res) => {
    seen.push({ method: req.method, host: req.headers.host, url: req.url });
    if (req.url === "/no-head" && req.method === "HEAD") return res.writeHead(405).end();
    if (req.url === "/elsewhere") return res.writeHead(302, { location: "http://other.example/x" }).end();
    if (req.url === "/down") return res.writeHead(503).end("no backend");
    res.writeHead(200, { "content-type": "text/plain" }).end("hello, a body nobody reads");
  });
  await new Promise<void>((r) => web.listen(0, "127.0.0.1", r));
  port = (web.address() as AddressInfo).port;
});
afterAll(async () => {
  await dnsServer?.stop();
  await new Promise((r) => web?.close(r));
});

describe("refuseUrl", () => {
  it.each([
    ["http://web-1.apps.localhost/", null],
    ["https://shop.tenant.example/path?q=1", null],
    ["http://apps.localhost/", /neither under/],
    ["http://evilapps.localhost/", /neither under/],
    ["http://other.tenant.example/", /neither under/],
    ["http://127.0.0.1/", /IP addresses/],
    ["http://[::1]/", /IP addresses/],
    ["ftp://web-1.apps.localhost/", /only http and https/],
    ["http://user:pw@web-1.apps.localhost/", /credentials/],
  ])("%s → %s", (url, expected) => {
    const r = refuseUrl(new URL(url), scope);
    if (expected === null) expect(r).toBeNull();
    else expect(r).toMatch(expected);
  });
});

describe("resolvePublicAddress", () => {
  it("resolves *.localhost to 127.0.0.1 itself (RFC 6761), refused unless private addresses are allowed", async () => {
    expect(await resolvePublicAddress({ host: "web-1.apps.localhost", dns, allowPrivate: true })).toEqual({
      address: "127.0.0.1",
    });
    expect(await resolvePublicAddress({ host: "web-1.apps.localhost", dns, allowPrivate: false })).toEqual({
      refused:
        "web-1.apps.localhost resolves to 127.0.0.1, a private, local or reserved address: not checked",
    });
  });

  it.each([
    ["shop.tenant.example", /resolves to 10\.1\.2\.3/],
    ["mixed.apps.provider.example", /resolves to 169\.254\.169\.254/],
    ["v6.apps.provider.example", /resolves to ::ffff:(127\.0\.0\.1|7f00:1),/],
    ["missing.apps.provider.example", /does not resolve/],
  ])("refuses %s", async (host, reason) => {
    const r = await resolvePublicAddress({ host, dns, allowPrivate: false });
    expect("refused" in r && r.refused).toMatch(reason);
  });

  it("accepts a name whose every address is public", async () => {
    expect(
      await resolvePublicAddress({ host: "public.apps.provider.example", dns, allowPrivate: false }),
    ).toEqual({
      address: "93.184.216.34",
    });
  });
});

describe("checkReachability", () => {
  const check = (path: string, allowPrivate = true) =>
    checkReachability({ url: `http://web-1.apps.localhost:${port}${path}`, scope, dns, allowPrivate });

  it("answers with the status from a HEAD sent to the resolved address with the lease's Host", async () => {
    seen.length = 0;
    const r = await check("/");
    expect(r).toMatchObject({ reachable: true, status: 200, reason: null });
    expect(r.latencyMs).toEqual(expect.any(Number));
    expect(seen).toEqual([{ method: "HEAD", host: `web-1.apps.localhost:${port}`, url: "/" }]);
  });

  it("asks again with GET when HEAD is refused", async () => {
    seen.length = 0;
    expect(await check("/no-head")).toMatchObject({ reachable: true, status: 200 });
    expect(seen.map((s) => s.method)).toEqual(["HEAD", "GET"]);
  });

  it("does not follow a redirect", async () => {
    seen.length = 0;
    expect(await check("/elsewhere")).toMatchObject({
      reachable: true,
      status: 302,
      reason: "redirects to other.example (not followed)",
    });
    expect(seen).toHaveLength(1);
  });

  it("reports a 5xx as unreachable", async () => {
    expect(await check("/down")).toMatchObject({ reachable: false, status: 503, reason: "HTTP 503" });
  });

  it("reports a closed port", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const r = await checkReachability({
      url: `http://web-1.apps.localhost:${closedPort}/`,
      scope,
      dns,
      allowPrivate: true,
    });
    expect(r).toMatchObject({ reachable: false, status: null, reason: "connection refused" });
  });

  it("never connects where the guard refuses", async () => {
    seen.length = 0;
    expect(await check("/", false)).toMatchObject({
      reachable: false,
      reason: /private, local or reserved address/,
    });
    expect(
      await checkReachability({ url: `http://localhost:${port}/`, scope, dns, allowPrivate: true }),
    ).toMatchObject({ reachable: false, reason: /neither under/ });
    expect(seen).toEqual([]);
  });
});
