import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { manifestSecrets } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { canonicalizeManifest, type SecretValue, sealSecrets } from "@/lib/market/manifest";
import { loadSecretValues, storeSecretValues, verifySecretValues } from "@/lib/market/secret-values";

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => handle.close());

const key = randomBytes(32);
const randomSalt = () => `0x${randomBytes(32).toString("hex")}` as const;

/** A v2 draft with two secrets, sealed as the browser seals it. */
function sealed(values: Record<string, string>) {
  const { manifest, values: secretValues } = sealSecrets(
    {
      version: 2,
      name: "shop",
      services: [
        {
          name: "db",
          image: "postgres:16",
          env: Object.keys(values).map((name, i) => ({ name: `SECRET_${i}`, secret: name })),
          resources: { cpu: 500, memory: 512 },
        },
      ],
      secrets: Object.entries(values).map(([name, value]) => ({ name, value })),
    },
    randomSalt,
  );
  return { ...canonicalizeManifest(manifest), values: secretValues };
}

describe("secret values at rest", () => {
  it("stores only ciphertext, in the caller's transaction, and loads the values back", async () => {
    const m = sealed({ "db-password": "correct horse battery staple", "api-key": "k-123" });
    await handle.db.transaction(async (tx) => {
      await storeSecretValues(tx, m.specHash, m.manifest, m.values, key);
    });
    const rows = await handle.db.select().from(manifestSecrets);
    const mine = rows.filter((r) => r.specHash === m.specHash.toLowerCase());
    expect(mine.map((r) => r.name).sort()).toEqual(["api-key", "db-password"]);
    for (const r of mine) {
      expect(r.valueEnc).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
      expect(r.valueEnc).not.toContain("horse");
    }
    expect(await loadSecretValues(handle.db, m.specHash, key)).toEqual({
      "db-password": "correct horse battery staple",
      "api-key": "k-123",
    });
    // A repeated POST of the same manifest and values changes nothing.
    await storeSecretValues(handle.db, m.specHash, m.manifest, m.values, key);
    expect(await loadSecretValues(handle.db, m.specHash, key)).toEqual({
      "db-password": "correct horse battery staple",
      "api-key": "k-123",
    });
  });

  it("a transaction that fails stores nothing", async () => {
    const m = sealed({ token: "t" });
    await expect(
      handle.db.transaction(async (tx) => {
        await storeSecretValues(tx, m.specHash, m.manifest, m.values, key);
        throw new Error("the manifest insert failed");
      }),
    ).rejects.toThrow(/manifest insert failed/);
    expect(await loadSecretValues(handle.db, m.specHash, key)).toEqual({});
  });

  it("refuses values that are not exactly the manifest's secrets, each matching its digest", () => {
    const m = sealed({ a: "one", b: "two" });
    const [a, b] = m.values as [SecretValue, SecretValue];
    const cases: Array<[string, SecretValue[], RegExp]> = [
      ["a wrong value", [a, { ...b, value: "three" }], /value of secret "b" does not match its digest/],
      ["a wrong salt", [{ ...a, salt: randomSalt() }, b], /value of secret "a" does not match its digest/],
      ["a missing secret", [a], /No value was sent for secret "b"/],
      ["a secret given twice", [a, b, a], /Secret "a" has two values/],
      [
        "an unknown secret",
        [a, b, { ...a, name: "c" }],
        /The manifest has no secret named "c"; send only its secrets/,
      ],
      ["an empty value", [a, { ...b, value: "" }], /Secret value "b": a secret cannot be empty/],
    ];
    for (const [what, values, message] of cases)
      expect(() => verifySecretValues(m.manifest, values), what).toThrow(
        expect.objectContaining({ code: "INVALID_MANIFEST", message: expect.stringMatching(message) }),
      );
    expect(verifySecretValues(m.manifest, [b, a]).map((v) => v.name)).toEqual(["a", "b"]);
  });

  it("refuses values that would not fit in one Kubernetes Secret (1 MiB of data)", () => {
    // 32 secrets of 32,768 characters pass the schema; in UTF-8 they can be four times as many bytes.
    const euros = (n: number) =>
      sealed(Object.fromEntries(Array.from({ length: n }, (_, i) => [`s${i}`, "€".repeat(32_768)])));
    const fits = euros(10); // 10 × 32,768 × 3 bytes = 983,040
    expect(verifySecretValues(fits.manifest, fits.values)).toHaveLength(10);
    const over = euros(11); // 1,081,344 bytes
    expect(() => verifySecretValues(over.manifest, over.values)).toThrow(
      /The secret values add up to 1081344 bytes; a deployment's secrets hold at most 1048576 \(1 MiB\)/,
    );
  });

  it("a manifest without secrets takes none", async () => {
    const m = canonicalizeManifest({ name: "web", image: "nginx:1.27", resources: { cpu: 100, memory: 64 } });
    // Nothing to encrypt: no key is needed (none is configured in tests).
    await storeSecretValues(handle.db, m.specHash, m.manifest, []);
    expect(() => verifySecretValues(m.manifest, [{ name: "x", salt: randomSalt(), value: "v" }])).toThrow(
      /no secret named "x"/,
    );
  });

  it("a row moved to another manifest, or read with another key, does not decrypt", async () => {
    const m = sealed({ pw: "s3cret" });
    const other = sealed({ pw: "other" });
    await storeSecretValues(handle.db, m.specHash, m.manifest, m.values, key);
    const [row] = (await handle.db.select().from(manifestSecrets)).filter(
      (r) => r.specHash === m.specHash.toLowerCase(),
    );
    await handle.db
      .insert(manifestSecrets)
      .values({ specHash: other.specHash.toLowerCase(), name: "pw", valueEnc: row?.valueEnc ?? "" });
    await expect(loadSecretValues(handle.db, other.specHash, key)).rejects.toMatchObject({
      code: "INTERNAL",
      message: 'Stored secret "pw" cannot be decrypted (wrong key or corrupted).',
    });
    await expect(loadSecretValues(handle.db, m.specHash, randomBytes(32))).rejects.toMatchObject({
      code: "INTERNAL",
    });
  });
});
