import { describe, expect, it } from "vitest";
import { customDomainSchema, isUnderDomain } from "./validate-custom-domain";

describe("customDomainSchema", () => {
  it.each([
    ["app.example.com", "app.example.com"],
    ["  Shop.Example.ORG. ", "shop.example.org"],
    ["a-b.c-d.io", "a-b.c-d.io"],
    [`${"a".repeat(63)}.com`, `${"a".repeat(63)}.com`],
  ])("accepts %j as %j", (input, out) => {
    expect(customDomainSchema.parse(input)).toBe(out);
  });

  it.each([
    ["", /Enter a domain/],
    ["localhost", /at least two labels/],
    ["example", /at least two labels/],
    ["10.0.0.1", /not an IP address/],
    ["[::1]", /not an IP address/],
    ["*.example.com", /Wildcard/],
    ["-bad.example.com", /not a DNS label/],
    ["bad-.example.com", /not a DNS label/],
    ["under_score.example.com", /not a DNS label/],
    ["a..example.com", /not a DNS label/],
    [`${"a".repeat(64)}.com`, /longer than 63/],
    [`${"a.".repeat(127)}com`, /at most 253/],
    ["app.localhost", /not on the public internet/],
    ["printer.local", /not on the public internet/],
    ["db.cluster.local", /not on the public internet/],
    ["host.123", /not all digits/],
  ])("refuses %j", (input, message) => {
    const r = customDomainSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(message);
  });
});

describe("isUnderDomain", () => {
  it.each([
    ["apps.example.com", "apps.example.com", true],
    ["web-7.apps.example.com", "apps.example.com", true],
    ["WEB-7.Apps.Example.com.", "apps.example.com", true],
    ["evilapps.example.com", "apps.example.com", false],
    ["example.com", "apps.example.com", false],
  ])("%s under %s: %s", (d, base, under) => {
    expect(isUnderDomain(d, base)).toBe(under);
  });
});
