import { describe, expect, it } from "vitest";
import { parseConfig } from "./config";

describe("parseConfig: security settings", () => {
  it("requires APP_URL in production and keeps only its origin", () => {
    expect(() => parseConfig({ NODE_ENV: "production" })).toThrow(/APP_URL: is required in production/);
    const c = parseConfig({ NODE_ENV: "production", APP_URL: "https://kubebid.example/some/path" });
    expect(c.APP_URL).toBe("https://kubebid.example");
    expect(parseConfig({ NODE_ENV: "development" }).APP_URL).toBeUndefined();
  });

  it("defaults: no trusted proxy, unscaled limits, a daily relay gas budget", () => {
    const c = parseConfig({});
    expect(c.TRUSTED_PROXY_HOPS).toBe(0);
    expect(c.RATE_LIMIT_SCALE).toBe(1);
    expect(c.RELAY_GAS_BUDGET_PER_DAY).toBe(5_000_000n);
    expect(() => parseConfig({ TRUSTED_PROXY_HOPS: "-1" })).toThrow(/TRUSTED_PROXY_HOPS/);
    expect(() => parseConfig({ RATE_LIMIT_SCALE: "0" })).toThrow(/RATE_LIMIT_SCALE/);
  });
});
