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
