// GET /api/openapi.json – this API as an OpenAPI 3.1 document, generated from the routes' own zod schemas.
import { NextResponse } from "next/server";
import { route } from "@/lib/api/handler";
import { buildOpenApiDocument } from "@/lib/api/openapi";

// Built once per process: the document only changes with the code.
let document: ReturnType<typeof buildOpenApiDocument> | undefined;

export const GET = route({}, async () => {
  document ??= buildOpenApiDocument();
  return NextResponse.json(await document, { headers: { "cache-control": "public, max-age=300" } });
});
