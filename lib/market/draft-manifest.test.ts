import { describe, expect, it } from "vitest";
import { canonicalizeManifest, sealSecrets, secretDigest } from "@/lib/market/manifest";
import { draftFromSealed, KEPT_SECRET, maskSecrets, sealUpdateDraft, unmaskSecrets } from "./draft-manifest";

// Editing a running lease's stored manifest: kept secrets keep their digest (no value is sent), replaced
// and new ones are sealed afresh and sent.

const salt = () => `0x${"11".repeat(32)}` as const;
const stored = sealSecrets(
  {
    version: 2,
    name: "app",
    services: [
      {
        name: "web",
        image: "nginx:1.27",
        env: [
          { name: "A", secret: "a" },
          { name: "B", secret: "b" },
        ],
        resources: { cpu: 250, memory: 256, storage: 512 },
        replicas: 1,
      },
    ],
    secrets: [
      { name: "a", value: "alpha" },
      { name: "b", value: "beta" },
    ],
  },
  () => `0x${"22".repeat(32)}`,
).manifest;

describe("editing a sealed manifest", () => {
  it("keeps unchanged secrets' digests and sends no value for them", () => {
    const { draft, kept } = draftFromSealed(stored);
    expect(draft.secrets).toEqual([
      { name: "a", value: KEPT_SECRET },
      { name: "b", value: KEPT_SECRET },
    ]);
    draft.services[0]!.image = "nginx:1.28";
    const sealed = sealUpdateDraft(draft, kept, salt);
    expect(sealed.secrets).toEqual([]);
    expect(sealed.manifest.secrets).toEqual((stored as { secrets: unknown }).secrets);
    expect(() => canonicalizeManifest(sealed.manifest)).not.toThrow();
  });

  it("seals a replaced secret afresh and sends only its value", () => {
    const { draft, kept } = draftFromSealed(stored);
    draft.secrets = [
      { name: "a", value: KEPT_SECRET },
      { name: "b", value: "gamma" },
    ];
    const sealed = sealUpdateDraft(draft, kept, salt);
    expect(sealed.secrets).toEqual([{ name: "b", salt: salt(), value: "gamma" }]);
    expect(sealed.manifest.secrets).toEqual([
      { name: "a", digest: kept.a },
      { name: "b", digest: secretDigest(salt(), "gamma") },
    ]);
  });

  it("survives the text views: a kept secret is masked there and comes back kept", () => {
    const { draft } = draftFromSealed(stored);
    expect(unmaskSecrets(maskSecrets(draft), draft)).toEqual(draft);
  });
});
