import type { ManifestIssue } from "@/lib/market/validate-manifest-draft";

// How the form's fields read and write one draft: by path (["services", 1, "ports", 0, "name"]), the
// same dotted path validateManifestDraft keys its issues by, so each field finds its own message.
// The draft is whatever the YAML/JSON views left in it: every read tolerates any shape.

export type DraftPath = (string | number)[];

export interface DraftBinding {
  get(path: DraftPath): unknown;
  /** `undefined` deletes the member (an empty list or an unchecked box is left out of the manifest). */
  set(path: DraftPath, value: unknown): void;
  /** The message for exactly this path, if any. */
  issue(path: DraftPath): string | null;
  /** Whether some issue is at this path or below it. */
  hasIssuesUnder(path: DraftPath): boolean;
}

export const pathKey = (path: DraftPath) => path.join(".");
/** The id of a path's control (its error is `${id}-error`, see components/ui/field.tsx). */
export const fieldId = (path: DraftPath) => `m-${pathKey(path)}`;

export function getIn(root: unknown, path: DraftPath): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

export function setIn(root: unknown, path: DraftPath, value: unknown): unknown {
  const copy = structuredClone(root !== null && typeof root === "object" ? root : {}) as Record<
    string | number,
    unknown
  >;
  let node = copy;
  path.slice(0, -1).forEach((key, i) => {
    const next = node[key];
    if (next === null || typeof next !== "object") node[key] = typeof path[i + 1] === "number" ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  });
  const last = path[path.length - 1] as string | number;
  if (value !== undefined) node[last] = value;
  else if (Array.isArray(node) && typeof last === "number") node.splice(last, 1);
  else delete node[last];
  return copy;
}

export function draftBinding(
  draft: unknown,
  onChange: (draft: unknown) => void,
  issues: ManifestIssue[],
): DraftBinding {
  return {
    get: (path) => getIn(draft, path),
    set: (path, value) => onChange(setIn(draft, path, value)),
    issue: (path) => issues.find((i) => i.path === pathKey(path))?.message ?? null,
    hasIssuesUnder: (path) => {
      const key = pathKey(path);
      return issues.some((i) => i.path === key || i.path.startsWith(`${key}.`));
    },
  };
}

/** A list at a path (anything else reads as empty). */
export function listAt(b: DraftBinding, path: DraftPath): unknown[] {
  const v = b.get(path);
  return Array.isArray(v) ? v : [];
}

/** Typed text to a number when it is one; otherwise the text, for the schema to name the problem. */
export function numberOrText(text: string): number | string {
  return text.trim() === "" || Number.isNaN(Number(text)) ? text : Number(text);
}

/** A list with one item removed; `undefined` (member left out) when none remain. */
export function without(list: unknown[], index: number): unknown[] | undefined {
  const rest = list.filter((_, i) => i !== index);
  return rest.length ? rest : undefined;
}
