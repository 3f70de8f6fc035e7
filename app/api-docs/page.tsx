import type { Metadata } from "next";
import { ApiReference } from "@/components/api-docs/api-reference";
import { getOpenApiDocument } from "@/lib/api/openapi";

export const metadata: Metadata = { title: "API reference" };

export default async function ApiDocsPage() {
  const document = await getOpenApiDocument();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">API reference</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          {document.info.description} The same document as JSON, for code generators and clients:{" "}
          <a href="/api/openapi.json" className="text-brand-600 underline dark:text-brand-400">
            /api/openapi.json
          </a>{" "}
          (OpenAPI {document.openapi}).
        </p>
      </div>
      <ApiReference document={document} />
    </div>
  );
}
