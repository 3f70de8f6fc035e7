import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { DraftManifest, DraftSecret } from "@/lib/market/draft-manifest";
import { manifestSchema } from "@/lib/market/manifest";

// A manifest file as the CLI reads it (YAML or JSON, the deploy form's YAML view is the same shape)
// with its secrets' values filled in from flags: `--secret name=value` or `--secret-env name=ENVVAR`
// (a CI secret in the environment never appears on a command line). The file names secrets
// (`secrets: [{ name: DB_PASSWORD }]`) and may not carry a value or a digest: values come only from
// flags, and every named secret needs one (sealing makes a fresh salt and digest each time).

export class ManifestFileError extends Error {
  override name = "ManifestFileError";
}

export interface SecretFlags {
  /** `name=value` pairs. */
  secret?: string[];
  /** `name=ENVVAR` pairs. */
  secretEnv?: string[];
}

export function readManifestFile(
  file: string,
  flags: SecretFlags,
  env: Record<string, string | undefined>,
): DraftManifest {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ManifestFileError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = file.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ManifestFileError(
      `${file} is not valid ${file.endsWith(".json") ? "JSON" : "YAML"}: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc))
    throw new ManifestFileError(`${file} must hold one manifest object.`);
  const draft = doc as Record<string, unknown>;
  if (draft.version !== 2)
    throw new ManifestFileError(`${file}: the CLI deploys version 2 manifests (version: 2).`);

  const values = new Map<string, string>();
  for (const pair of flags.secret ?? []) {
    const [name, value] = splitPair(pair, "--secret");
    values.set(name, value);
  }
  for (const pair of flags.secretEnv ?? []) {
    const [name, variable] = splitPair(pair, "--secret-env");
    const value = env[variable];
    if (value === undefined || value === "")
      throw new ManifestFileError(
        `--secret-env ${name}=${variable}: the environment variable ${variable} is not set.`,
      );
    values.set(name, value);
  }

  const named = Array.isArray(draft.secrets) ? (draft.secrets as unknown[]) : [];
  const secrets: DraftSecret[] = named.map((s, i) => {
    const entry = s as { name?: unknown; value?: unknown; digest?: unknown } | null;
    if (!entry || typeof entry.name !== "string")
      throw new ManifestFileError(`${file}: secrets.${i} needs a name.`);
    if (entry.value !== undefined || entry.digest !== undefined)
      throw new ManifestFileError(
        `${file}: secret ${entry.name} carries a value or digest; keep values out of files and pass --secret-env ${entry.name}=ENVVAR.`,
      );
    const value = values.get(entry.name);
    if (value === undefined)
      throw new ManifestFileError(
        `Secret ${entry.name} has no value: pass --secret-env ${entry.name}=ENVVAR or --secret ${entry.name}=VALUE.`,
      );
    values.delete(entry.name);
    return { name: entry.name, value };
  });
  const unknown = [...values.keys()];
  if (unknown.length > 0)
    throw new ManifestFileError(`${file} names no secret ${unknown.join(", ")} (add it under secrets:).`);

  const result: DraftManifest = { ...(draft as DraftManifest), ...(named.length ? { secrets } : {}) };
  // Validate with placeholders for the values (their digests): the real sealing comes at signing.
  const probe = manifestSchema.safeParse({
    ...result,
    ...(named.length
      ? { secrets: secrets.map((s) => ({ name: s.name, digest: `0x${"11".repeat(32)}` })) }
      : {}),
  });
  if (!probe.success) {
    const issue = probe.error.issues[0];
    throw new ManifestFileError(`${file}: ${issue?.path.join(".") || "manifest"}: ${issue?.message}`);
  }
  return result;
}

function splitPair(pair: string, flag: string): [string, string] {
  const at = pair.indexOf("=");
  if (at <= 0)
    throw new ManifestFileError(
      `${flag} ${pair}: expected NAME=${flag === "--secret" ? "VALUE" : "ENVVAR"}.`,
    );
  return [pair.slice(0, at), pair.slice(at + 1)];
}
