import { describe, expect, it } from "vitest";
import { validateManifestDraft } from "./validate-manifest-draft";

describe("validateManifestDraft", () => {
  it("returns the parsed manifest (defaults filled) for a valid draft", () => {
    const { manifest, issues } = validateManifestDraft({
      name: "web",
      image: "nginx:1.27",
      resources: { cpu: 500, memory: 256, storage: 1024 },
    });
    expect(issues).toEqual([]);
    expect(manifest).toMatchObject({ name: "web", replicas: 1, resources: { gpu: { count: 0 } } });
  });

  it("keys each problem by its dotted path, for the field that shows it", () => {
    const { manifest, issues } = validateManifestDraft({
      name: "web",
      image: "Not An Image!",
      resources: { cpu: "a lot", memory: 256, storage: 1024 },
    });
    expect(manifest).toBeNull();
    expect(issues.map((i) => i.path).sort()).toEqual(["image", "resources.cpu"]);
    expect(issues.find((i) => i.path === "image")?.message).toMatch(/image/);
  });

  it("flags a draft that is not an object at all", () => {
    expect(validateManifestDraft("nginx").issues).toHaveLength(1);
  });
});
