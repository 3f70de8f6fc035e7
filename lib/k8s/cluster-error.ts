import { ApiException } from "@kubernetes/client-node";
import { AppError, isAppError } from "@/lib/errors";

// One translation from "what went wrong talking to a provider's cluster" to an AppError whose message
// a provider or tenant can act on. details.reason is stable for code and UI: unreachable, timeout, tls,
// unauthorized, forbidden, not_found, conflict, invalid, server_error, private_address, cancelled.

export type ClusterErrorReason =
  | "unreachable"
  | "timeout"
  | "tls"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "invalid"
  | "server_error"
  | "private_address"
  | "cancelled";

export interface ClusterErrorDetails {
  reason: ClusterErrorReason;
  status?: number;
}

const TLS_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_SIGNATURE_FAILURE",
  "ERR_SSL_WRONG_VERSION_NUMBER",
]);

function statusMessage(body: unknown): string | undefined {
  if (typeof body === "object" && body !== null && "message" in body) {
    const m = (body as { message?: unknown }).message;
    if (typeof m === "string") return m;
  }
  if (typeof body === "string" && body.length > 0) {
    try {
      return statusMessage(JSON.parse(body));
    } catch {
      return body.slice(0, 300);
    }
  }
  return undefined;
}

function causeCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function err(
  code: ConstructorParameters<typeof AppError>[0],
  message: string,
  details: ClusterErrorDetails,
  cause: unknown,
) {
  return new AppError(code, message, { details, cause });
}

/** `action` completes "KubeBid could not …", e.g. "list nodes". */
export function toClusterError(error: unknown, action = "reach the cluster"): AppError {
  if (isAppError(error)) return error;
  if (error instanceof ApiException) {
    const status = error.code;
    const detail = statusMessage(error.body);
    const suffix = detail ? `: ${detail}` : "";
    if (status === 401)
      return err(
        "UPSTREAM_UNAVAILABLE",
        `The cluster rejected KubeBid's credentials (401 Unauthorized) while trying to ${action}. The token or client certificate is wrong, expired or revoked.`,
        { reason: "unauthorized", status },
        error,
      );
    if (status === 403)
      return err(
        "FORBIDDEN",
        `The cluster does not allow KubeBid to ${action}${suffix}`,
        { reason: "forbidden", status },
        error,
      );
    if (status === 404)
      return err(
        "NOT_FOUND",
        `Not found on the cluster while trying to ${action}${suffix}`,
        { reason: "not_found", status },
        error,
      );
    if (status === 409)
      return err(
        "CONFLICT",
        `Conflict on the cluster while trying to ${action}${suffix}`,
        { reason: "conflict", status },
        error,
      );
    if (status === 400 || status === 422)
      return err(
        "UNPROCESSABLE",
        `The cluster refused to ${action}${suffix}`,
        { reason: "invalid", status },
        error,
      );
    return err(
      "UPSTREAM_UNAVAILABLE",
      `The cluster answered ${status} while trying to ${action}${suffix}`,
      { reason: "server_error", status },
      error,
    );
  }
  const name = (error as { name?: unknown })?.name;
  const code = causeCode(error);
  if (name === "AbortError")
    return err(
      "UPSTREAM_UNAVAILABLE",
      `Cancelled while trying to ${action}.`,
      { reason: "cancelled" },
      error,
    );
  if (
    name === "TimeoutError" ||
    code === "UND_ERR_CONNECT_TIMEOUT" ||
    code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "ETIMEDOUT"
  )
    return err(
      "UPSTREAM_UNAVAILABLE",
      `The cluster did not answer in time while KubeBid tried to ${action}.`,
      { reason: "timeout" },
      error,
    );
  if (code === "ERESPONSETOOLARGE")
    return err(
      "UPSTREAM_UNAVAILABLE",
      `The cluster's answer was too large while KubeBid tried to ${action}.`,
      { reason: "server_error" },
      error,
    );
  if (code === "EPRIVATEADDRESS")
    return err(
      "UPSTREAM_UNAVAILABLE",
      `The cluster's API server resolves to a private address, which KubeBid does not connect to.`,
      { reason: "private_address" },
      error,
    );
  if (code && (TLS_CODES.has(code) || code.startsWith("ERR_TLS") || code.startsWith("ERR_SSL")))
    return err(
      "UPSTREAM_UNAVAILABLE",
      `TLS verification of the cluster's API server failed (${code}). Check certificate-authority-data and the server address.`,
      { reason: "tls" },
      error,
    );
  const what = code ? ` (${code})` : "";
  return err(
    "UPSTREAM_UNAVAILABLE",
    `KubeBid could not connect to the cluster's API server${what} while trying to ${action}. Is it running and reachable from the internet?`,
    { reason: "unreachable" },
    error,
  );
}
