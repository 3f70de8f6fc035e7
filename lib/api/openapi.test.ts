import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { compileErrors, validate } from "@readme/openapi-parser";
import { beforeAll, describe, expect, it } from "vitest";
import type { oas31 } from "zod-openapi";
import { buildOpenApiDocument, HTTP_METHODS, routeMethods } from "./openapi";
import { apiRoutes } from "./openapi-routes";

const apiDir = join(process.cwd(), "app", "api");

/** Every route.ts under app/api, as its OpenAPI path (`[id]` → `{id}`) and the file's import path. */
function routeFilesOnDisk(): { path: string; file: string }[] {
  return readdirSync(apiDir, { recursive: true, encoding: "utf8" })
    .filter((f) => f === "route.ts" || f.endsWith(`${sep}route.ts`))
    .map((f) => {
      const dir = relative(apiDir, join(apiDir, f, ".."))
        .split(sep)
        .filter(Boolean);
      return {
        path: `/api/${dir.map((s) => s.replace(/^\[(\w+)\]$/, "{$1}")).join("/")}`,
        file: join(apiDir, f),
      };
    })
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

describe("OpenAPI document", () => {
  let doc: Awaited<ReturnType<typeof buildOpenApiDocument>>;
  beforeAll(async () => {
    doc = await buildOpenApiDocument();
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    expect(doc.openapi).toBe("3.1.0");
    // The validator dereferences in place: hand it a copy.
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? "" : compileErrors(result)).toBe("");
    expect(result.warnings).toEqual([]);
  });

  it("would be caught by the validator if broken (a path parameter left undeclared)", async () => {
    const broken = structuredClone(doc);
    const op = broken.paths?.["/api/orders/{id}"]?.get;
    if (op) op.parameters = [];
    const result = await validate(broken as never);
    expect(result.valid).toBe(false);
  });

  it("lists every route file under app/api with each method it exports", async () => {
    const onDisk = routeFilesOnDisk();
    expect(onDisk.length).toBeGreaterThan(40);
    expect(apiRoutes.map((r) => r.path).sort()).toEqual(onDisk.map((r) => r.path));
    for (const { path, file } of onDisk) {
      const mod = (await import(file)) as Record<string, unknown>;
      const exported = HTTP_METHODS.filter((m) => m in mod);
      expect(exported.length, path).toBeGreaterThan(0);
      const documented = Object.keys(doc.paths?.[path] ?? {}).map((m) => m.toUpperCase());
      expect(documented.sort(), path).toEqual([...exported].sort());
      expect(routeMethods(mod).map((m) => m.method)).toEqual(exported);
    }
  });

  it("documents inputs from the routes' zod schemas, sessions and rate limits", () => {
    const verifyCluster = doc.paths?.["/api/clusters/{id}"]?.patch;
    expect(verifyCluster?.security).toEqual([{ session: [] }]);
    expect(verifyCluster?.parameters).toContainEqual(
      expect.objectContaining({
        in: "path",
        name: "id",
        required: true,
        schema: expect.objectContaining({ format: "uuid" }),
      }),
    );
    expect(verifyCluster?.requestBody).toMatchObject({
      content: {
        "application/json": {
          schema: {
            type: "object",
            properties: { offerPercent: { type: "integer", minimum: 1, maximum: 100 } },
          },
        },
      },
    });
    const logs = doc.paths?.["/api/leases/{id}/logs"]?.get;
    expect(logs?.parameters?.map((p) => ("name" in p ? `${p.in}:${p.name}` : ""))).toEqual(
      expect.arrayContaining(["path:id", "query:pod", "query:tail", "query:follow"]),
    );
    expect(Object.keys(logs?.responses?.["200"]?.content ?? {})).toEqual(["text/plain"]);

    const nonce = doc.paths?.["/api/auth/nonce"]?.get;
    expect(nonce?.security).toBeUndefined();
    expect(nonce?.responses?.["429"]?.headers?.["Retry-After"]).toBeDefined();
    expect(doc.paths?.["/api/health"]?.get?.responses?.["429"]).toBeUndefined();
  });

  it("shares one Error schema across every error response", () => {
    expect(doc.components?.schemas?.Error).toMatchObject({
      type: "object",
      required: ["error"],
      properties: {
        error: { properties: { code: { enum: expect.arrayContaining(["RATE_LIMITED", "INTERNAL"]) } } },
      },
    });
    for (const [path, item] of Object.entries(doc.paths ?? {}))
      for (const [method, op] of Object.entries(item ?? {}))
        for (const [status, res] of Object.entries(op.responses ?? {}) as [string, oas31.ResponseObject][]) {
          if (status === "200") continue;
          expect(res.content?.["application/json"]?.schema, `${method} ${path} ${status}`).toEqual({
            $ref: "#/components/schemas/Error",
          });
        }
  });
});
