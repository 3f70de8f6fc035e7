import { describe, expect, it } from "vitest";
import { maskSecrets, SECRET_MASK, sealDraft, unmaskSecrets } from "./draft-manifest";
import { canonicalizeManifest, manifestTotals } from "./manifest";
import { deployTemplates } from "./templates";
import { validateManifestDraft } from "./validate-manifest-draft";

const withValues = (t: (typeof deployTemplates)[number]) => ({
  ...t.manifest,
  secrets: t.manifest.secrets?.map((s) => ({ ...s, value: "tenant-typed" })),
});

describe("deploy templates", () => {
  it.each(deployTemplates.map((t) => [t.id, t] as const))(
    "%s is a valid v2 manifest once its secrets have values",
    (_id, t) => {
      expect(t.manifest.version).toBe(2);
      const { issues, manifest } = validateManifestDraft(withValues(t));
      expect(issues).toEqual([]);
      expect(manifest).not.toBeNull();
      // And it seals and hashes as the deploy form signs it.
      expect(() => canonicalizeManifest(sealDraft(withValues(t)).manifest)).not.toThrow();
    },
  );

  it("leave a secret's value for the tenant to fill", () => {
    const guestbook = deployTemplates.find((t) => t.id === "guestbook");
    if (!guestbook) throw new Error("no guestbook template");
    expect(validateManifestDraft(guestbook.manifest).issues).toEqual([
      { path: "secrets.0.value", message: "enter a value for this secret" },
    ]);
  });

  it("Web + PostgreSQL: two services sharing one secret, the database on a volume", () => {
    const guestbook = deployTemplates.find((t) => t.id === "guestbook");
    if (!guestbook) throw new Error("no guestbook template");
    const { manifest } = validateManifestDraft(withValues(guestbook));
    if (!manifest) throw new Error("invalid");
    expect(manifestTotals(manifest)).toMatchObject({
      cpuMillis: 750,
      memoryMiB: 1280,
      replicas: 2,
      volumes: [{ storageClass: "standard", sizeMiB: 1024 }],
    });
  });
});

describe("secret values in the YAML/JSON views", () => {
  const draft = { version: 2, name: "x", services: [], secrets: [{ name: "db-password", value: "hunter2" }] };

  it("are masked, and a masked value comes back as it was", () => {
    const shown = maskSecrets(draft);
    expect(JSON.stringify(shown)).not.toContain("hunter2");
    expect(unmaskSecrets(shown, draft)).toEqual(draft);
  });

  it("take a value typed over the mask, and lose the old one when the secret is renamed", () => {
    const typed = { ...draft, secrets: [{ name: "db-password", value: "new" }] };
    expect(unmaskSecrets(typed, draft)).toEqual(typed);
    const renamed = { ...draft, secrets: [{ name: "other", value: SECRET_MASK }] };
    expect(unmaskSecrets(renamed, draft)).toEqual({ ...draft, secrets: [{ name: "other", value: "" }] });
  });
});
