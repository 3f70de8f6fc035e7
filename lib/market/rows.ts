// drizzle's `execute` returns an array (postgres-js) or `{ rows }` (PGlite): one accessor for both.
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
