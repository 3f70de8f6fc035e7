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

describe("validateManifestDraft with secrets", () => {
  const draft = (value: unknown) => ({
    version: 2,
    name: "db",
    services: [
      {
        name: "db",
        image: "postgres:16",
        env: [{ name: "POSTGRES_PASSWORD", secret: "pw" }],
        resources: { cpu: 500, memory: 512 },
      },
    ],
    secrets: [{ name: "pw", value }],
  });

  it("checks the rest of the manifest with the value standing in for its digest", () => {
    const { manifest, issues, hasSecrets } = validateManifestDraft(draft("hunter2"));
    expect(issues).toEqual([]);
    expect(hasSecrets).toBe(true);
    expect(JSON.stringify(manifest)).not.toContain("hunter2");
  });

  it.each([
    ["an empty value", "", "enter a value for this secret"],
    ["no value", undefined, "enter a value for this secret"],
    ["a value that is not text", 42, /string/],
  ])("names %s at secrets.N.value", (_label, value, message) => {
    const { manifest, issues } = validateManifestDraft(draft(value));
    expect(manifest).toBeNull();
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("secrets.0.value");
    expect(issues[0]?.message).toMatch(message);
  });

  it("asks for the value when given a sealed secret", () => {
    const { issues } = validateManifestDraft({
      ...draft(""),
      secrets: [{ name: "pw", digest: `0x${"1".repeat(64)}` }],
    });
    expect(issues).toEqual([
      { path: "secrets.0.value", message: "a secret needs its value here, not a digest" },
    ]);
  });

  it("still reports schema problems of the secret's name", () => {
    const d = draft("x");
    d.secrets[0] = { name: "PW", value: "x" };
    const paths = validateManifestDraft(d).issues.map((i) => i.path);
    expect(paths).toContain("secrets.0.name");
  });
});
