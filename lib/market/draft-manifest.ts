import type { Hex } from "viem";
import { type ManifestInput, type SecretValue, sealSecrets } from "@/lib/market/manifest";

// What the deploy form (and the YAML/JSON views) edit: a v2 manifest input whose secrets still carry
// their values. It lives in React state only: never in localStorage, a persisted draft or the URL.
// Signing seals it (`sealDraft`): each value gets a fresh random salt, the manifest keeps
// `{ name, digest }` only, and the values travel once, beside the signed manifest, to the server.

export interface DraftSecret {
  name: string;
  value: string;
}

type ManifestV2Input = Extract<ManifestInput, { version: 2 }>;

export type DraftManifest = Omit<ManifestV2Input, "secrets"> & { secrets?: DraftSecret[] };
export type DraftService = DraftManifest["services"][number];

/** 32 random bytes as 0x-hex, from the platform's CSPRNG (browser or Node). */
export function randomSalt(): Hex {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return `0x${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** The manifest to hash and sign (secrets sealed) and the values to send beside it. */
export function sealDraft(
  draft: DraftManifest,
  salt: () => Hex = randomSalt,
): { manifest: Record<string, unknown>; secrets: SecretValue[] } {
  const { manifest, values } = sealSecrets(draft as Record<string, unknown> & DraftManifest, salt);
  return { manifest, secrets: values };
}

/** What the YAML/JSON views show instead of a secret's value (typed there, a new value replaces it). */
export const SECRET_MASK = "(hidden: edit in the form)";

/** The draft as the text views show it: secret values replaced by SECRET_MASK (empty ones stay empty). */
export function maskSecrets(draft: unknown): unknown {
  const secrets = secretsOf(draft);
  if (!secrets) return draft;
  return {
    ...(draft as object),
    secrets: secrets.map((s) =>
      s &&
      typeof s === "object" &&
      typeof (s as DraftSecret).value === "string" &&
      (s as DraftSecret).value !== ""
        ? { ...s, value: SECRET_MASK }
        : s,
    ),
  };
}

/** Text-view edits back into a draft: a masked value is the previous value of the secret of that name
 * (none, if it was renamed: then the form asks for a value again, rather than sign the mask). */
export function unmaskSecrets(edited: unknown, previous: unknown): unknown {
  const secrets = secretsOf(edited);
  if (!secrets) return edited;
  const before = new Map(
    (secretsOf(previous) ?? []).flatMap((s) =>
      s && typeof s === "object" ? [[(s as DraftSecret).name, (s as DraftSecret).value] as const] : [],
    ),
  );
  return {
    ...(edited as object),
    secrets: secrets.map((s) => {
      if (!s || typeof s !== "object" || (s as DraftSecret).value !== SECRET_MASK) return s;
      const value = before.get((s as DraftSecret).name);
      return { ...s, value: typeof value === "string" ? value : "" };
    }),
  };
}

function secretsOf(draft: unknown): unknown[] | null {
  if (draft === null || typeof draft !== "object") return null;
  const secrets = (draft as { secrets?: unknown }).secrets;
  return Array.isArray(secrets) ? secrets : null;
}

// ---------------------------------------------------------------------------------------------
// Editing a running lease: its stored manifest holds only `{ name, digest }` per secret. In the edit
// draft such a secret's value is KEPT_SECRET until the tenant replaces it; sealing an update keeps the
// stored digest of a kept secret (the server keeps its stored value) and seals the others afresh.
// ---------------------------------------------------------------------------------------------

/** The value of a secret the tenant has not replaced (a string no one types). */
export const KEPT_SECRET = "\u0000kubebid:kept";

/** A stored (sealed) manifest as an edit draft: kept secrets, and their digests by name. */
export function draftFromSealed(manifest: Record<string, unknown>): {
  draft: DraftManifest;
  kept: Record<string, string>;
} {
  const sealed = (Array.isArray(manifest.secrets) ? manifest.secrets : []) as {
    name: string;
    digest: string;
  }[];
  const draft = structuredClone(manifest) as unknown as DraftManifest;
  if (sealed.length > 0) draft.secrets = sealed.map((s) => ({ name: s.name, value: KEPT_SECRET }));
  return { draft, kept: Object.fromEntries(sealed.map((s) => [s.name, s.digest])) };
}

/** The update's manifest and the values of new or replaced secrets only. */
export function sealUpdateDraft(
  draft: DraftManifest,
  kept: Record<string, string>,
  salt: () => Hex = randomSalt,
): { manifest: Record<string, unknown>; secrets: SecretValue[] } {
  const secrets = draft.secrets ?? [];
  const keep = (s: DraftSecret) => s.value === KEPT_SECRET && Object.hasOwn(kept, s.name);
  const fresh = sealDraft({ ...draft, secrets: secrets.filter((s) => !keep(s)) }, salt);
  const digests = new Map(
    ((fresh.manifest.secrets ?? []) as { name: string; digest: string }[]).map((s) => [s.name, s.digest]),
  );
  return {
    manifest: {
      ...fresh.manifest,
      ...(draft.secrets
        ? {
            secrets: secrets.map((s) => ({
              name: s.name,
              digest: keep(s) ? kept[s.name] : digests.get(s.name),
            })),
          }
        : {}),
    },
    secrets: fresh.secrets,
  };
}
