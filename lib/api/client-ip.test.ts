import { describe, expect, it } from "vitest";
import { clientIp, clientKey, PEER_ADDRESS_HEADER } from "./client-ip";

const h = (init: Record<string, string>) => new Headers(init);

describe("clientIp", () => {
  it("uses the connection's address and ignores X-Forwarded-For with no trusted proxy", () => {
    const headers = h({ [PEER_ADDRESS_HEADER]: "203.0.113.5", "x-forwarded-for": "1.2.3.4" });
    expect(clientIp(headers, 0)).toBe("203.0.113.5");
  });

  it("takes the entry the trusted proxies appended, never one the client wrote", () => {
    // client forged "1.2.3.4"; proxy A (outer) appended the client's real address, proxy B appended A's.
    const headers = h({
      [PEER_ADDRESS_HEADER]: "10.0.0.2",
      "x-forwarded-for": "1.2.3.4, 198.51.100.7, 10.0.0.1",
    });
    expect(clientIp(headers, 1)).toBe("10.0.0.1");
    expect(clientIp(headers, 2)).toBe("198.51.100.7");
  });

  it("keys IPv4-mapped addresses as IPv4 and IPv6 by /64", () => {
    expect(clientKey("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(clientKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(clientKey("2001:db8:1:2:bbbb:cccc:dddd:eeee")).toBe("2001:db8:1:2::/64");
    expect(clientKey("not an ip")).toBe("unknown");
  });
});
