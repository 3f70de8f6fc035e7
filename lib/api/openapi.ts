import "server-only";
import { z } from "zod";
import {
  createDocument,
  type oas31,
  type ZodOpenApiOperationObject,
  type ZodOpenApiResponseObject,
  type ZodOpenApiResponsesObject,
} from "zod-openapi";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { appErrorCodes } from "@/lib/errors";
import type { RouteSpec } from "./handler";
import { type ApiRouteEntry, apiRoutes } from "./openapi-routes";
import { rateLimitRules } from "./rate-limit";

// The API as an OpenAPI 3.1 document, built from each route's own options: its params, query and
// body schemas (the zod schemas route() validates with, rendered by zod-openapi on top of zod's
// z.toJSONSchema), whether it needs a session, and its rate limit. Success bodies have no zod schema
// in the routes (handlers return plain objects), so they are described in words, not typed.

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type HttpMethod = (typeof HTTP_METHODS)[number];

/** The one error body every route answers with (lib/errors.ts AppError.toJSON, lib/api/handler.ts). */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(appErrorCodes).meta({ description: "Stable, machine-readable cause." }),
      message: z.string().meta({ description: "Safe to show a user as is." }),
      details: z.unknown().optional().meta({
        description: "Extra data for some codes, e.g. `{ issues: [{ path, message }] }` for invalid input.",
      }),
    }),
  })
  .meta({ id: "Error", description: "The body of every error response." });

const SESSION_SCHEME = "session";

const errorResponse = (description: string, headers?: ZodOpenApiResponseObject["headers"]) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { "application/json": { schema: errorBodySchema } },
});

function responsesFor(
  spec: RouteSpec,
  produces: string | undefined,
  path: string,
): ZodOpenApiResponsesObject {
  const responses: ZodOpenApiResponsesObject = {
    "200": {
      description: produces ? `A stream of \`${produces}\`.` : "The result as JSON.",
      content: produces
        ? { [produces]: { schema: { type: "string" } } }
        : { "application/json": { schema: { type: "object" } } },
    },
  };
  if (spec.body || spec.query)
    responses["400"] = errorResponse(`BAD_REQUEST: the ${spec.body ? "body" : "query"} failed validation.`);
  if (spec.auth)
    responses["401"] = errorResponse("UNAUTHORIZED: no session; sign in with your wallet first.");
  if (spec.params || path.includes("{")) responses["404"] = errorResponse("NOT_FOUND: no such resource.");
  if (spec.body) {
    responses["413"] = errorResponse("PAYLOAD_TOO_LARGE: the body is over 256 KiB.");
    responses["415"] = errorResponse("UNSUPPORTED_MEDIA_TYPE: the body was not sent as application/json.");
  }
  if (spec.rateLimit) {
    const rule = rateLimitRules[spec.rateLimit];
    responses["429"] = errorResponse(
      `RATE_LIMITED: more than ${rule.points} requests in ${rule.seconds} s from this client.`,
      {
        "Retry-After": {
          description: "Seconds until the next request may pass.",
          schema: { type: "integer" },
        },
      },
    );
  }
  responses["500"] = errorResponse("INTERNAL: an unexpected failure; the message never says why.");
  responses.default = errorResponse("Any other error this route raises (403, 409, 422, 502, 503, …).");
  return responses;
}

function operationFor(entry: ApiRouteEntry, method: HttpMethod, spec: RouteSpec): ZodOpenApiOperationObject {
  const tag = entry.path.split("/")[2] ?? "api";
  const pathParams = [...entry.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  // A route without a params schema still has its path's segments (read as plain strings).
  const path =
    (spec.params as z.ZodObject | undefined) ??
    (pathParams.length ? z.object(Object.fromEntries(pathParams.map((p) => [p, z.string()]))) : undefined);
  const operation: ZodOpenApiOperationObject = {
    operationId: `${method.toLowerCase()}${entry.path
      .replace(/^\/api/, "")
      .replace(/[{}]/g, "")
      .split(/[/.-]/)
      .map((w) => (w ? w[0]?.toUpperCase() + w.slice(1) : ""))
      .join("")}`,
    tags: [tag],
    summary: `${method} ${entry.path}`,
    description: entry.description,
    responses: responsesFor(spec, entry.produces?.[method], entry.path),
  };
  // zod-openapi reads every key it is given, so absent parts are left out rather than undefined.
  if (path || spec.query)
    operation.requestParams = {
      ...(path ? { path } : {}),
      ...(spec.query ? { query: spec.query as z.ZodObject } : {}),
    };
  if (spec.body)
    operation.requestBody = { required: true, content: { "application/json": { schema: spec.body } } };
  if (spec.auth) operation.security = [{ [SESSION_SCHEME]: [] }];
  return operation;
}

/** The handlers a route module exports, with the options route() built them from. */
export function routeMethods(mod: Record<string, unknown>): { method: HttpMethod; spec: RouteSpec }[] {
  return HTTP_METHODS.flatMap((method) => {
    const handler = mod[method] as { spec?: RouteSpec } | undefined;
    if (!handler) return [];
    if (!handler.spec) throw new Error(`${method} handler not built with route(): it cannot be documented`);
    return [{ method, spec: handler.spec }];
  });
}

let cached: Promise<oas31.OpenAPIObject> | undefined;

/** The document, built once per process (it only changes with the code). */
export function getOpenApiDocument(): Promise<oas31.OpenAPIObject> {
  cached ??= buildOpenApiDocument();
  return cached;
}

export async function buildOpenApiDocument(
  routes: ApiRouteEntry[] = apiRoutes,
): Promise<oas31.OpenAPIObject> {
  const paths: Record<string, Partial<Record<Lowercase<HttpMethod>, ZodOpenApiOperationObject>>> = {};
  for (const entry of routes) {
    const mod = await entry.load();
    const item: (typeof paths)[string] = {};
    for (const { method, spec } of routeMethods(mod))
      item[method.toLowerCase() as Lowercase<HttpMethod>] = operationFor(entry, method, spec);
    paths[entry.path] = item;
  }
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "KubeBid API",
      version: "1",
      description:
        "The HTTP API behind the KubeBid web app. Sign in with Ethereum (GET /api/auth/nonce, then POST " +
        "/api/auth/verify) to get the session cookie the protected routes need. Every error answers " +
        "with the Error schema.",
    },
    components: {
      securitySchemes: {
        [SESSION_SCHEME]: {
          type: "apiKey",
          in: "cookie",
          name: SESSION_COOKIE,
          description: "The httpOnly session cookie set by POST /api/auth/verify (Sign-In with Ethereum).",
        },
      },
    },
    paths,
  });
}
