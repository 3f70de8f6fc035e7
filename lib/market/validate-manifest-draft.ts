import { type Manifest, manifestSchema, secretValueSchema } from "@/lib/market/manifest";

// The deploy form's draft (whatever the form, YAML or JSON view holds) checked against the one
// manifest schema, with each problem keyed by its dotted path so a field can show its own.
// A v2 draft's secrets carry values (`{ name, value }`), not yet digests: each value is checked here,
// then stands in as a placeholder digest so the rest of the manifest is checked as it will be signed.
// The manifest returned then holds placeholder digests: its hash is not the one signed (sealing salts
// every value afresh), so callers show a spec hash only for drafts without secrets.

export interface ManifestIssue {
  path: string;
  message: string;
}

const PLACEHOLDER_DIGEST = `0x${"0".repeat(64)}`;

export function validateManifestDraft(draft: unknown): {
  manifest: Manifest | null;
  issues: ManifestIssue[];
  /** The draft has secrets: its spec hash is known only once they are sealed, at signing. */
  hasSecrets: boolean;
} {
  const { input, issues } = withPlaceholderDigests(draft);
  const hasSecrets = input !== draft;
  const result = manifestSchema.safeParse(input);
  issues.push(...(result.error?.issues.map((i) => ({ path: i.path.join("."), message: i.message })) ?? []));
  return { manifest: result.success && issues.length === 0 ? result.data : null, issues, hasSecrets };
}

function withPlaceholderDigests(draft: unknown): { input: unknown; issues: ManifestIssue[] } {
  const issues: ManifestIssue[] = [];
  if (draft === null || typeof draft !== "object") return { input: draft, issues };
  const d = draft as Record<string, unknown>;
  if (d.version !== 2 || !Array.isArray(d.secrets) || d.secrets.length === 0) return { input: draft, issues };
  const secrets = d.secrets.map((s: unknown, i) => {
    if (s === null || typeof s !== "object") return s; // the schema names what is wrong with it
    const { value, ...rest } = s as Record<string, unknown>;
    if (value === undefined && "digest" in rest)
      issues.push({ path: `secrets.${i}.value`, message: "a secret needs its value here, not a digest" });
    else {
      const checked = secretValueSchema.shape.value.safeParse(value);
      if (!checked.success)
        issues.push({
          path: `secrets.${i}.value`,
          message:
            value === undefined || value === ""
              ? "enter a value for this secret"
              : (checked.error.issues[0]?.message ?? "not a valid value"),
        });
    }
    return { digest: PLACEHOLDER_DIGEST, ...rest };
  });
  return { input: { ...d, secrets }, issues };
}
