import { type Manifest, manifestSchema } from "@/lib/market/manifest";

// The deploy form's draft (whatever the form, YAML or JSON view holds) checked against the one
// manifest schema, with each problem keyed by its dotted path so a field can show its own.

export interface ManifestIssue {
  path: string;
  message: string;
}

export function validateManifestDraft(draft: unknown): {
  manifest: Manifest | null;
  issues: ManifestIssue[];
} {
  const result = manifestSchema.safeParse(draft);
  if (result.success) return { manifest: result.data, issues: [] };
  return {
    manifest: null,
    issues: result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
  };
}
