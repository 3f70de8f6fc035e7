import "server-only";
import { createHmac } from "node:crypto";
import { isIP } from "node:net";
import { Agent, request } from "undici";
import { AppError } from "@/lib/errors";
import { guardedLookup, isLocalHostname, isPrivateAddress } from "@/lib/k8s/is-private-address";

// Sends one alert to a tenant's webhook. The URL is the tenant's, so it is untrusted: it must not
// reach KubeBid's own network. Literal private addresses and local-only names are refused before
// connecting; a name is resolved by the socket's own lookup (guardedLookup), which refuses private
// results, so the address judged is the address connected to (no DNS rebinding between a check and
// the connection). Redirects are not followed (a 3xx is a failure), the whole exchange is bounded in
// time, and at most MAX_RESPONSE_BYTES of the answer are read (for the delivery log).
// ALLOW_PRIVATE_CLUSTER_ADDRESSES (the dev/test flag for private cluster addresses) lifts the address
// checks, for a receiver on this machine.
//
// Signature: X-KubeBid-Signature: sha256=HEX(HMAC-SHA256(secret, `${timestamp}.${body}`)) with the
// timestamp (Unix seconds) in X-KubeBid-Timestamp, so a receiver can refuse replays of old bodies.

const TIMEOUT_MS = 5_000;
const MAX_RESPONSE_BYTES = 1024;

export const SIGNATURE_HEADER = "x-kubebid-signature";
export const TIMESTAMP_HEADER = "x-kubebid-timestamp";

const guarded = new Agent({ connect: { lookup: guardedLookup as never, timeout: TIMEOUT_MS } });
const open = new Agent({ connect: { timeout: TIMEOUT_MS } });

/** Throws a BAD_REQUEST AppError saying why `url` may not be a webhook. */
export function checkWebhookUrl(url: string, opts: { allowPrivate: boolean }): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new AppError("BAD_REQUEST", "The webhook URL is not a valid URL.");
  }
  if (u.protocol !== "https:" && !(u.protocol === "http:" && opts.allowPrivate))
    throw new AppError("BAD_REQUEST", "The webhook URL must use https://.");
  if (u.username || u.password)
    throw new AppError("BAD_REQUEST", "The webhook URL must not carry a user name or password.");
  if (!opts.allowPrivate) {
    const host = u.hostname.replace(/^\[|\]$/g, "");
    if ((isIP(host) && isPrivateAddress(host)) || isLocalHostname(host))
      throw new AppError(
        "BAD_REQUEST",
        `The webhook URL's host ${u.hostname} is a private or local address: use a public one.`,
      );
  }
  return u;
}

export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export interface WebhookResult {
  ok: boolean;
  /** The receiver's HTTP status, null when it never answered. */
  status: number | null;
  error: string | null;
}

export async function sendWebhook(opts: {
  url: string;
  secret: string;
  body: string;
  deliveryId: number;
  allowPrivate: boolean;
  now?: Date;
}): Promise<WebhookResult> {
  try {
    checkWebhookUrl(opts.url, { allowPrivate: opts.allowPrivate });
  } catch (error) {
    return { ok: false, status: null, error: (error as Error).message };
  }
  const timestamp = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  try {
    const res = await request(opts.url, {
      method: "POST",
      dispatcher: opts.allowPrivate ? open : guarded,
      headers: {
        "content-type": "application/json",
        "user-agent": "KubeBid-Webhooks/1",
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signWebhookBody(opts.secret, timestamp, opts.body),
        "x-kubebid-delivery": String(opts.deliveryId),
      },
      body: opts.body,
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
      signal,
    });
    const excerpt = await readExcerpt(res.body);
    if (res.statusCode >= 200 && res.statusCode < 300)
      return { ok: true, status: res.statusCode, error: null };
    const why =
      res.statusCode >= 300 && res.statusCode < 400
        ? `redirect to ${res.headers.location ?? "?"} not followed`
        : excerpt || "no body";
    return { ok: false, status: res.statusCode, error: `HTTP ${res.statusCode}: ${why}` };
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const cause = (e.cause as NodeJS.ErrnoException | undefined)?.message;
    return {
      ok: false,
      status: null,
      error: signal.aborted ? `no answer within ${TIMEOUT_MS / 1000} s` : (cause ?? e.message),
    };
  }
}

/** The start of the receiver's answer (for the log), then the rest discarded unread. */
async function readExcerpt(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    total += chunk.length;
    if (total >= MAX_RESPONSE_BYTES) break;
  }
  body.destroy();
  return Buffer.concat(chunks)
    .subarray(0, MAX_RESPONSE_BYTES)
    .toString("utf8")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 200);
}
