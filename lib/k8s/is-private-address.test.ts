import { describe, expect, it } from "vitest";
import { embeddedIpv4Addresses, isPrivateAddress } from "./is-private-address";

// Every way an address can name KubeBid's own network, and public addresses in the same notations
// (which must stay allowed: a guard that refuses everything would pass the first half alone).
const cases: [address: string, isPrivate: boolean, form: string][] = [
  // IPv4
  ["127.0.0.1", true, "loopback"],
  ["10.1.2.3", true, "RFC 1918"],
  ["172.16.0.1", true, "RFC 1918"],
  ["192.168.1.1", true, "RFC 1918"],
  ["100.64.0.1", true, "carrier-grade NAT"],
  ["169.254.169.254", true, "cloud metadata (link-local)"],
  ["0.0.0.0", true, "unspecified"],
  ["224.0.0.1", true, "multicast"],
  ["8.8.8.8", false, "public"],
  ["1.1.1.1", false, "public"],
  // IPv6 native ranges
  ["::", true, "unspecified"],
  ["::1", true, "loopback"],
  ["[::1]", true, "bracketed loopback"],
  ["0:0:0:0:0:0:0:1", true, "loopback, uncompressed"],
  ["fe80::1", true, "link-local"],
  ["fe80::1%eth0", true, "link-local with zone"],
  ["febf:ffff::1", true, "link-local, end of fe80::/10"],
  ["fc00::1", true, "unique local"],
  ["fd12:3456:789a::1", true, "unique local"],
  ["ff02::1", true, "multicast"],
  ["2001:db8::1", true, "documentation"],
  ["2606:4700:4700::1111", false, "public"],
  ["2a00:1450:4001:80b::200e", false, "public"],
  // IPv4-compatible ::a.b.c.d, dotted and hex
  ["::127.0.0.1", true, "compatible, dotted"],
  ["::7f00:1", true, "compatible, hex"],
  ["::a9fe:a9fe", true, "compatible, hex metadata"],
  ["::10.0.0.1", true, "compatible, dotted RFC 1918"],
  ["::808:808", false, "compatible, hex public"],
  // IPv4-mapped ::ffff:0:0/96
  ["::ffff:127.0.0.1", true, "mapped, dotted"],
  ["::ffff:7f00:1", true, "mapped, hex"],
  ["::FFFF:A9FE:A9FE", true, "mapped, upper-case hex metadata"],
  ["0:0:0:0:0:ffff:c0a8:101", true, "mapped, uncompressed"],
  ["::ffff:8.8.8.8", false, "mapped, public"],
  ["::ffff:808:808", false, "mapped hex, public"],
  // IPv4-translated ::ffff:0:0:0/96
  ["::ffff:0:127.0.0.1", true, "translated, dotted"],
  ["::ffff:0:7f00:1", true, "translated, hex"],
  ["::ffff:0:a00:1", true, "translated, hex RFC 1918"],
  ["::ffff:0:808:808", false, "translated, public"],
  // 6to4 2002::/16
  ["2002:7f00:1::", true, "6to4 of 127.0.0.1"],
  ["2002:a9fe:a9fe::1", true, "6to4 of the metadata address"],
  ["2002:c0a8:101:1::1", true, "6to4 of 192.168.1.1"],
  ["2002:808:808::1", false, "6to4 of a public address"],
  // NAT64
  ["64:ff9b::127.0.0.1", true, "NAT64 well-known, dotted"],
  ["64:ff9b::7f00:1", true, "NAT64 well-known, hex"],
  ["64:ff9b::a9fe:a9fe", true, "NAT64 well-known, metadata"],
  ["64:ff9b::808:808", false, "NAT64 well-known, public"],
  ["64:ff9b:1::a00:1", true, "NAT64 local-use"],
  ["64:ff9b:1:2:3:4:808:808", true, "NAT64 local-use (refused whatever it embeds)"],
  // Teredo 2001::/32: server IPv4 in clear, client IPv4 bit-inverted in the last 32 bits
  ["2001:0:4136:e378:8000:63bf:80ff:fffe", true, "Teredo, client 127.0.0.1"],
  ["2001:0:7f00:1::1", true, "Teredo, server 127.0.0.1"],
  ["2001:0:4136:e378:8000:63bf:3fff:fdd2", true, "Teredo, client 192.0.2.45 (documentation)"],
  ["2001:0:4136:e378:8000:63bf:f7f7:f7f7", false, "Teredo, public server, client 8.8.8.8"],
  // ISATAP interface identifier
  ["2a00:1450::5efe:10.0.0.1", true, "ISATAP of 10.0.0.1"],
  ["2a00:1450::200:5efe:a9fe:a9fe", true, "ISATAP of the metadata address"],
  // Not IP literals: the hostname checks handle those
  ["example.com", false, "hostname"],
];

describe("isPrivateAddress", () => {
  it.each(cases)("%s → %s (%s)", (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

describe("embeddedIpv4Addresses", () => {
  it.each([
    ["::7f00:1", "127.0.0.1"],
    ["::ffff:0:a9fe:a9fe", "169.254.169.254"],
    ["2002:c0a8:101::", "192.168.1.1"],
    ["64:ff9b::c0a8:101", "192.168.1.1"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "192.0.2.45"],
  ])("%s carries %s", (address, v4) => {
    expect(embeddedIpv4Addresses(address)).toContain(v4);
  });
});
