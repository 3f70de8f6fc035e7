import "server-only";
import { type NextRequest, NextResponse } from "next/server";
import type { Address } from "viem";
import { z } from "zod";
import { getDb } from "@/db";
import type { Db } from "@/db/client";
import { readSession, SESSION_COOKIE } from "@/lib/auth/session";
import { getConfig } from "@/lib/config";
import { AppError, isAppError } from "@/lib/errors";
import { clientIp } from "./client-ip";
import { enforceRateLimit, type RateLimitName } from "./rate-limit";

// The one wrapper every route handler goes through: it applies the route's rate limit, reads the
// session, parses params, query and body with zod, and maps errors to HTTP (AppError → its status
// and safe message; anything else → a 500 that says nothing of its cause).

export const MAX_BODY_BYTES = 256 * 1024;

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteContext<P, Q, B, A extends boolean> {
  req: NextRequest;
  db: Db;
  params: P;
  query: Q;
  body: B;
  session: A extends true ? { address: Address } : { address: Address } | null;
  sessionId: string | undefined;
}

export interface RouteOptions<PS, QS, BS, A extends boolean> {
  params?: PS;
  query?: QS;
  body?: BS;
  /** Require a signed-in wallet (401 otherwise). */
  auth?: A;
  /** Count each request against this per-client limit (429 + Retry-After beyond it). */
  rateLimit?: RateLimitName;
}

export function route<
  PS extends Schema | undefined = undefined,
  QS extends Schema | undefined = undefined,
  BS extends Schema | undefined = undefined,
  A extends boolean = false,
>(
  options: RouteOptions<PS, QS, BS, A>,
  handler: (ctx: RouteContext<Out<PS>, Out<QS>, Out<BS>, A>) => Promise<Response | unknown>,
) {
  const serve = async (req: NextRequest, segment: { params: Promise<Record<string, string | string[]>> }) => {
    try {
      const db = await getDb();
      if (options.rateLimit) {
        const config = getConfig();
        await enforceRateLimit({
          db,
          name: options.rateLimit,
          key: clientIp(req.headers, config.TRUSTED_PROXY_HOPS),
          scale: config.RATE_LIMIT_SCALE,
        });
      }
      const sessionId = req.cookies.get(SESSION_COOKIE)?.value;
      const session = await readSession({ db, sessionId });
      if (options.auth && !session) throw new AppError("UNAUTHORIZED", "Sign in with your wallet first.");

      const params = options.params ? parse(options.params, await segment.params, "path") : undefined;
      const query = options.query
        ? parse(options.query, Object.fromEntries(req.nextUrl.searchParams), "query")
        : undefined;
      const body = options.body ? parse(options.body, await readJson(req), "body") : undefined;

      const result = await handler({
        req,
        db,
        params: params as Out<PS>,
        query: query as Out<QS>,
        body: body as Out<BS>,
        session: session as RouteContext<Out<PS>, Out<QS>, Out<BS>, A>["session"],
        sessionId,
      });
      if (result instanceof Response) return result;
      return NextResponse.json(result ?? { ok: true }, { headers: { "cache-control": "no-store" } });
    } catch (error) {
      return errorResponse(error);
    }
  };
  // The same options that validate the request document it: lib/api/openapi.ts reads them back.
  return Object.assign(serve, { spec: options as RouteSpec });
}

/** What a route's options say about its interface, as the OpenAPI generator reads it. */
export type RouteSpec = RouteOptions<Schema | undefined, Schema | undefined, Schema | undefined, boolean>;

function errorResponse(error: unknown): NextResponse {
  if (isAppError(error)) {
    const retryAfter = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    return NextResponse.json(error.toJSON(), {
      status: error.status,
      headers: typeof retryAfter === "number" ? { "retry-after": String(retryAfter) } : undefined,
    });
  }
  console.error("[api] unexpected error", error);
  return NextResponse.json(
    { error: { code: "INTERNAL", message: "Something went wrong on our side. Please try again." } },
    { status: 500 },
  );
}

function parse<S extends z.ZodType>(schema: S, input: unknown, where: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  const first = issues[0];
  const message = first
    ? `Invalid ${where}: ${first.path ? `${first.path}: ` : ""}${first.message}`
    : `Invalid ${where}.`;
  throw new AppError(where === "path" ? "NOT_FOUND" : "BAD_REQUEST", message, { details: { issues } });
}

const tooLarge = () =>
  new AppError("PAYLOAD_TOO_LARGE", `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);

/**
 * The body as JSON: only `application/json` (415 otherwise: a form or text/plain post is not ours,
 * and is what a cross-site form can send), read as a stream and abandoned as soon as it passes the
 * cap, so a client cannot make us buffer more than MAX_BODY_BYTES whatever Content-Length says.
 */
async function readJson(req: Request, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json")
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the body as JSON (Content-Type: application/json).");
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await req.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  if (total === 0) throw new AppError("BAD_REQUEST", "Invalid body: expected a JSON body.");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks, total));
  } catch {
    throw new AppError("BAD_REQUEST", "Invalid body: not UTF-8 text.");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "Invalid body: not valid JSON.");
  }
}

export const zUintString = z.string().regex(/^[0-9]{1,78}$/, "must be a non-negative integer");
