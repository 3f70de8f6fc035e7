import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { ApiReference } from "./api-reference";

// The reference page shows every operation of the document, with what a caller must send.

describe("ApiReference", () => {
  it("renders every operation, its parameters, body schema and responses", async () => {
    const document = await buildOpenApiDocument();
    const html = renderToStaticMarkup(createElement(ApiReference, { document }));
    const operations = Object.values(document.paths ?? {}).flatMap((item) => Object.keys(item ?? {}));
    expect(html.match(/data-testid="api-operation"/g)?.length).toBe(operations.length);
    // PATCH /api/clusters/{id}: session, uuid path parameter, a body with its bounds.
    const patch = html.slice(html.indexOf('id="patchClustersId"'));
    const entry = patch.slice(0, patch.indexOf("</article>"));
    expect(entry).toContain("session required");
    expect(entry).toMatch(/>id<span[^>]*>\*<\/span><\/td><td[^>]*>path<\/td><td[^>]*>string, uuid/);
    expect(entry).toContain("&quot;offerPercent&quot;");
    expect(entry).toContain("413");
    // A rate-limited route says so and names its header.
    const nonce = html.slice(html.indexOf('id="getAuthNonce"'));
    expect(nonce.slice(0, nonce.indexOf("</article>"))).toMatch(
      /429.*RATE_LIMITED: more than 30 requests in 60 s.*header Retry-After/s,
    );
    expect(html).toContain('id="errors"');
  });
});
