import { ApiException } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { toClusterError } from "./cluster-error";

const api = (code: number, message?: string) =>
  new ApiException(code, "x", message ? { kind: "Status", message } : undefined, {});

describe("toClusterError", () => {
  it.each([
    [401, "UPSTREAM_UNAVAILABLE", "unauthorized", /401 Unauthorized/],
    [403, "FORBIDDEN", "forbidden", /does not allow KubeBid to list nodes: nodes is forbidden/],
    [404, "NOT_FOUND", "not_found", /Not found/],
    [409, "CONFLICT", "conflict", /Conflict/],
    [422, "UNPROCESSABLE", "invalid", /refused to list nodes/],
    [500, "UPSTREAM_UNAVAILABLE", "server_error", /answered 500/],
  ])("maps HTTP %i", (status, code, reason, message) => {
    const e = toClusterError(api(status, "nodes is forbidden"), "list nodes");
    expect(e).toMatchObject({ code, details: { reason, status } });
    expect(e.message).toMatch(message);
  });

  it("maps timeouts, cancellations, TLS and connection failures", () => {
    expect(toClusterError(new DOMException("t", "TimeoutError")).details).toEqual({ reason: "timeout" });
    expect(toClusterError(new DOMException("a", "AbortError")).details).toEqual({ reason: "cancelled" });
    const tls = new TypeError("fetch failed", {
      cause: Object.assign(new Error("x"), { code: "SELF_SIGNED_CERT_IN_CHAIN" }),
    });
    expect(toClusterError(tls).details).toEqual({ reason: "tls" });
    const refused = new TypeError("fetch failed", {
      cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }),
    });
    const e = toClusterError(refused, "list nodes");
    expect(e.details).toEqual({ reason: "unreachable" });
    expect(e.message).toMatch(/could not connect .* \(ECONNREFUSED\) while trying to list nodes/);
  });
});
