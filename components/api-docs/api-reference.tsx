import type { oas31 } from "zod-openapi";
import { Card } from "@/components/ui/card";

// The API reference, rendered on the server from the OpenAPI document (lib/api/openapi.ts): one card
// per tag, one entry per operation with its parameters, body and responses. No script runs: schemas
// fold away in <details>, so the page works under the CSP and offline.

type Method = "get" | "post" | "put" | "patch" | "delete";
const METHODS: Method[] = ["get", "post", "put", "patch", "delete"];

const methodColor: Record<Method, string> = {
  get: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300",
  post: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  put: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  patch: "bg-violet-100 text-violet-800 dark:bg-violet-950 dark:text-violet-300",
  delete: "bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-300",
};

interface Operation {
  path: string;
  method: Method;
  op: oas31.OperationObject;
}

const isRef = (x: object): x is oas31.ReferenceObject => "$ref" in x;
const refName = (ref: string) => ref.split("/").pop() ?? ref;

export function ApiReference({ document }: { document: oas31.OpenAPIObject }) {
  const byTag = new Map<string, Operation[]>();
  for (const [path, item] of Object.entries(document.paths ?? {}))
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? "other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), { path, method, op }]);
    }
  const tags = [...byTag.keys()].sort();
  const errorSchema = document.components?.schemas?.Error;

  return (
    <div className="space-y-6" data-testid="api-reference">
      <nav aria-label="API sections" className="flex flex-wrap gap-2 text-sm">
        {tags.map((tag) => (
          <a
            key={tag}
            href={`#tag-${tag}`}
            className="rounded-md border border-zinc-200 px-2.5 py-1 text-zinc-700 hover:bg-zinc-100 dark:border-zinc-800 dark:text-zinc-300 dark:hover:bg-zinc-800"
          >
            {tag}
          </a>
        ))}
        <a
          href="#errors"
          className="rounded-md border border-zinc-200 px-2.5 py-1 text-zinc-700 hover:bg-zinc-100 dark:border-zinc-800 dark:text-zinc-300 dark:hover:bg-zinc-800"
        >
          errors
        </a>
      </nav>

      {tags.map((tag) => (
        <Card key={tag} title={<span id={`tag-${tag}`}>{tag}</span>} testId={`api-tag-${tag}`}>
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {(byTag.get(tag) ?? []).map((o) => (
              <li key={`${o.method} ${o.path}`} className="py-4 first:pt-0 last:pb-0">
                <OperationEntry {...o} />
              </li>
            ))}
          </ul>
        </Card>
      ))}

      {errorSchema && (
        <Card title={<span id="errors">Errors</span>}>
          <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
            Every error answers with this body (the <code>Error</code> schema); <code>code</code> is stable,{" "}
            <code>message</code> is safe to show. A 429 carries <code>Retry-After</code> (seconds).
          </p>
          <SchemaBlock schema={errorSchema} open />
        </Card>
      )}
    </div>
  );
}

function OperationEntry({ path, method, op }: Operation) {
  const params = (op.parameters ?? []).filter((p): p is oas31.ParameterObject => !isRef(p));
  const body =
    op.requestBody && !isRef(op.requestBody) ? op.requestBody.content["application/json"] : undefined;
  return (
    <article className="space-y-3" data-testid="api-operation" id={op.operationId}>
      <div className="flex flex-wrap items-center gap-2">
        <span
          className={`rounded px-2 py-0.5 font-mono text-xs font-semibold uppercase ${methodColor[method]}`}
        >
          {method}
        </span>
        <code className="break-all font-mono text-sm font-medium">{path}</code>
        {op.security?.length ? (
          <span className="rounded bg-zinc-100 px-2 py-0.5 text-xs text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
            session required
          </span>
        ) : null}
      </div>
      {op.description && <p className="text-sm text-zinc-600 dark:text-zinc-400">{op.description}</p>}

      {params.length > 0 && (
        <section
          aria-label={`Parameters of ${method.toUpperCase()} ${path}`}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: it may scroll on a phone; keyboard users must reach it (WCAG 2.1.1)
          tabIndex={0}
          className="overflow-x-auto"
        >
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Parameters</caption>
            <thead className="text-xs text-zinc-500 dark:text-zinc-400">
              <tr>
                <th scope="col" className="py-1 pr-3 font-medium">
                  Parameter
                </th>
                <th scope="col" className="py-1 pr-3 font-medium">
                  In
                </th>
                <th scope="col" className="py-1 font-medium">
                  Schema
                </th>
              </tr>
            </thead>
            <tbody>
              {params.map((p) => (
                <tr key={`${p.in}:${p.name}`} className="align-top">
                  <td className="py-1 pr-3 font-mono">
                    {p.name}
                    {p.required && (
                      <span className="text-rose-600 dark:text-rose-400" title="required">
                        *
                      </span>
                    )}
                  </td>
                  <td className="py-1 pr-3 text-zinc-600 dark:text-zinc-400">{p.in}</td>
                  <td className="py-1 font-mono text-xs break-all text-zinc-700 dark:text-zinc-300">
                    {p.schema ? describeSchema(p.schema) : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      {body?.schema && (
        <div>
          <h3 className="text-xs font-medium text-zinc-500 dark:text-zinc-400">Body (application/json)</h3>
          <SchemaBlock schema={body.schema} />
        </div>
      )}

      <div>
        <h3 className="text-xs font-medium text-zinc-500 dark:text-zinc-400">Responses</h3>
        <ul className="mt-1 space-y-0.5 text-sm">
          {Object.entries(op.responses ?? {}).map(([status, res]) => (
            <li key={status} className="flex gap-2">
              <span className="w-14 shrink-0 font-mono text-xs leading-5">{status}</span>
              <span className="text-zinc-600 dark:text-zinc-400">
                {isRef(res) ? refName(res.$ref) : responseText(res)}
              </span>
            </li>
          ))}
        </ul>
      </div>
    </article>
  );
}

function responseText(res: oas31.ResponseObject): string {
  const types = Object.keys(res.content ?? {});
  const schema = res.content?.["application/json"]?.schema;
  const shape = schema && isRef(schema) ? ` → ${refName(schema.$ref)}` : "";
  const headers = Object.keys(res.headers ?? {});
  return `${res.description}${shape}${types.length && !shape ? ` (${types.join(", ")})` : ""}${
    headers.length ? ` · header ${headers.join(", ")}` : ""
  }`;
}

/** One line for a parameter's schema: its type and the constraints a caller must meet. */
function describeSchema(schema: oas31.SchemaObject | oas31.ReferenceObject): string {
  if (isRef(schema)) return refName(schema.$ref);
  const parts: string[] = [];
  if (schema.enum) parts.push(schema.enum.map((v) => JSON.stringify(v)).join(" | "));
  else if (schema.type) parts.push(String(schema.type));
  if (schema.format) parts.push(schema.format);
  if (schema.pattern) parts.push(`/${schema.pattern}/`);
  if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`);
  if (schema.maxLength !== undefined) parts.push(`≤ ${schema.maxLength} chars`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join(", ");
}

function SchemaBlock({
  schema,
  open,
}: {
  schema: oas31.SchemaObject | oas31.ReferenceObject;
  open?: boolean;
}) {
  return (
    <details open={open} className="mt-1">
      <summary className="cursor-pointer text-xs text-zinc-600 dark:text-zinc-400">JSON Schema</summary>
      <pre
        // biome-ignore lint/a11y/noNoninteractiveTabindex: it scrolls; keyboard users must reach it (WCAG 2.1.1)
        tabIndex={0}
        className="mt-1 max-h-96 overflow-auto rounded-md bg-zinc-50 p-3 font-mono text-xs text-zinc-800 dark:bg-zinc-950 dark:text-zinc-200"
      >
        {JSON.stringify(schema, null, 2)}
      </pre>
    </details>
  );
}
