import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, requestSecurityHeaders, staticSecurityHeaders } from "./security-headers";

const base = {
  nonce: "abc123",
  rpcUrl: "https://rpc.example:8545/v1/key",
  appUrl: "https://kubebid.example",
};

describe("security headers", () => {
  it("production: nonce scripts only, the RPC origin, no framing, HSTS, https upgrades", () => {
    const csp = contentSecurityPolicy({ ...base, dev: false, production: true });
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("connect-src 'self' https://rpc.example:8545 wss://kubebid.example;");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("upgrade-insecure-requests");
    const headers = requestSecurityHeaders({ ...base, dev: false, production: true });
    expect(headers["strict-transport-security"]).toMatch(/^max-age=\d+/);
  });

  it("development: eval and the HMR websocket for React's tooling, no HSTS", () => {
    const headers = requestSecurityHeaders({ ...base, dev: true, production: false });
    expect(headers["content-security-policy"]).toMatch(/script-src [^;]*'unsafe-eval'/);
    expect(headers["content-security-policy"]).toMatch(/connect-src [^;]*ws:/);
    expect(headers["strict-transport-security"]).toBeUndefined();
  });

  it("no https upgrade for a plain-http deployment (a local stack)", () => {
    const csp = contentSecurityPolicy({
      ...base,
      appUrl: "http://127.0.0.1:3000",
      dev: false,
      production: true,
    });
    expect(csp).not.toContain("upgrade-insecure-requests");
  });

  it("static headers: nosniff, referrer and permissions policies", () => {
    expect(staticSecurityHeaders["x-content-type-options"]).toBe("nosniff");
    expect(staticSecurityHeaders["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(staticSecurityHeaders["permissions-policy"]).toContain("camera=()");
  });
});
