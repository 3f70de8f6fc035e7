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
