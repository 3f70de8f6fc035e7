import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DnsTestServer, startDnsTestServer } from "@/lib/testing/dns-test-server";
import { createDnsLookup } from "./dns-resolver";
import { verifyCname } from "./verify-cname";

// The CNAME check against a real DNS server (in-process, UDP on 127.0.0.1) through node:dns's Resolver.

let server: DnsTestServer;
const expected = "web-12.apps.provider.example";

beforeAll(async () => {
  server = await startDnsTestServer(
    new Map([
      ["shop.tenant.example", { cname: `${expected}.` }],
      ["www.tenant.example", { cname: "WEB-12.Apps.Provider.Example" }],
      ["other.tenant.example", { cname: "web-13.apps.provider.example" }],
      ["apex.tenant.example", { a: ["192.0.2.10"] }],
      [expected, { a: ["192.0.2.20"] }],
    ]),
  );
});
afterAll(async () => {
  await server?.stop();
});

describe("verifyCname", () => {
  it("verifies a domain whose CNAME names the lease's host (any case, trailing dot)", async () => {
    const dns = createDnsLookup([server.address]);
    expect(await verifyCname({ dns, domain: "shop.tenant.example", expected })).toEqual({
      status: "verified",
    });
    expect(await verifyCname({ dns, domain: "www.tenant.example", expected })).toEqual({
      status: "verified",
    });
  });

  it("fails a CNAME to another host, a name without CNAME, and a name that does not exist", async () => {
    const dns = createDnsLookup([server.address]);
    expect(await verifyCname({ dns, domain: "other.tenant.example", expected })).toEqual({
      status: "failed",
      reason: `other.tenant.example is a CNAME of web-13.apps.provider.example, not of ${expected}`,
    });
    expect(await verifyCname({ dns, domain: "apex.tenant.example", expected })).toEqual({
      status: "failed",
      reason: `apex.tenant.example has no CNAME record; add one pointing to ${expected}`,
    });
    expect((await verifyCname({ dns, domain: "nothing.tenant.example", expected })).status).toBe("failed");
  });

  it("follows changes to the zone (a record added later verifies on the next check)", async () => {
    const dns = createDnsLookup([server.address]);
    expect((await verifyCname({ dns, domain: "late.tenant.example", expected })).status).toBe("failed");
    server.zone.set("late.tenant.example", { cname: expected });
    expect((await verifyCname({ dns, domain: "late.tenant.example", expected })).status).toBe("verified");
  });

  it("gives no verdict when the DNS server does not answer", async () => {
    const silent = await startDnsTestServer();
    const address = silent.address;
    await silent.stop();
    const r = await verifyCname({ dns: createDnsLookup([address]), domain: "shop.tenant.example", expected });
    expect(r.status).toBe("unknown");
  });

  it("resolves addresses through the CNAME", async () => {
    const dns = createDnsLookup([server.address]);
    expect(await dns.addresses("shop.tenant.example")).toEqual(["192.0.2.20"]);
    expect(await dns.addresses("nothing.tenant.example")).toEqual([]);
  });
});
