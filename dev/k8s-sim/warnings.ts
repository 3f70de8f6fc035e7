// Per-request API warnings (the `Warning: 299 - "…"` response headers kube-apiserver sends, e.g. from
// Pod Security admission). Admission code anywhere in a request's call chain calls addWarning(); the
// HTTP layer runs each request inside withWarnings() and writes what was collected on the response.
// AsyncLocalStorage keeps the collector per request without threading it through every signature.
// Header format: RFC 7234 warn-code 299, agent "-", quoted text
// (k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/warning.go).
import { AsyncLocalStorage } from "node:async_hooks";

const current = new AsyncLocalStorage<string[]>();

export function withWarnings<T>(fn: () => T): T {
  return current.run([], fn);
}

/** Records a warning for the current request (ignored outside a request, e.g. in controllers). */
export function addWarning(text: string): void {
  const list = current.getStore();
  if (list && !list.includes(text)) list.push(text);
}

/** The Warning header values of the current request. */
export function warningHeaders(): string[] {
  return (current.getStore() ?? []).map(
    (t) => `299 - "${t.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, "?")}"`,
  );
}
