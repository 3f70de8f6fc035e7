// GET /api/openapi.json – this API as an OpenAPI 3.1 document, generated from the routes' own zod schemas.
import { NextResponse } from "next/server";
import { route } from "@/lib/api/handler";
import { getOpenApiDocument } from "@/lib/api/openapi";

export const GET = route({}, async () =>
  NextResponse.json(await getOpenApiDocument(), { headers: { "cache-control": "public, max-age=300" } }),
);
