import { randomBytes } from "node:crypto";
import { type Hex, keccak256, toHex, verifyTypedData } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { createTestDb } from "@/db/test-db";
import { orderTypedData, serializeOrder } from "@/lib/chain/order-types";
import { buildOrder } from "@/lib/market/build-order";
import { type SecretValue, sealSecrets } from "@/lib/market/manifest";
import { getManifest, storeManifest } from "@/lib/market/store-manifest";
import { deployTemplates } from "@/lib/market/templates";

// Secret values are stored encrypted with the server's key (lib/market/secret-values.ts).
Object.assign(process.env, { KUBECONFIG_ENCRYPTION_KEY: randomBytes(32).toString("hex") });

const tenant = privateKeyToAccount("0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba");
const stranger = privateKeyToAccount("0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e");
const market = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" as const;
const chainId = 31337;
// viem's offline EIP-712 check stands in for the public client (which adds ERC-1271 through the RPC).
const client = { verifyTypedData: (args: Parameters<typeof verifyTypedData>[0]) => verifyTypedData(args) };

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => handle.close());

function signed(
  manifest = deployTemplates[0]?.manifest,
  signer = tenant,
  opts: { chain?: number; market?: `0x${string}` } = {},
) {
  const built = buildOrder({
    tenant: tenant.address,
    manifest,
    maxPricePerHour: 100_000n,
    deposit: 100_000n,
    durationSeconds: 3600,
    bidWindowSeconds: 30,
  });
  return signer
    .signTypedData(orderTypedData(built.order, opts.chain ?? chainId, opts.market ?? market))
    .then((signature) => ({ built, signature }));
}

describe("storeManifest", () => {
  it("stores a manifest signed by its tenant over an order carrying its hash", async () => {
    const { built, signature } = await signed();
    const stored = await storeManifest({
      db: handle.db,
      client,
      chainId,
      marketAddress: market,
      manifest: built.manifest,
      order: serializeOrder(built.order),
      signature,
    });
    expect(stored.specHash).toBe(built.specHash);
    expect(stored.created).toBe(true);
    const row = await getManifest({ db: handle.db, specHash: built.specHash });
    expect(row?.tenant).toBe(tenant.address.toLowerCase());
    // Idempotent.
    const again = await storeManifest({
      db: handle.db,
      client,
      chainId,
      marketAddress: market,
      manifest: built.manifest,
      order: serializeOrder(built.order),
      signature,
    });
    expect(again.created).toBe(false);
  });

  it("refuses a signature by someone else than the order's tenant", async () => {
    const { built, signature } = await signed(
      { ...deployTemplates[1]?.manifest, name: "other" } as never,
      stranger,
    );
    await expect(
      storeManifest({
        db: handle.db,
        client,
        chainId,
        marketAddress: market,
        manifest: built.manifest,
        order: serializeOrder(built.order),
        signature,
      }),
    ).rejects.toMatchObject({ code: "INVALID_SIGNATURE" });
    expect(await getManifest({ db: handle.db, specHash: built.specHash })).toBeNull();
  });

  it("refuses a signature for another chain or another market", async () => {
    const a = await signed({ ...deployTemplates[0]?.manifest, name: "chain" } as never, tenant, { chain: 1 });
    await expect(
      storeManifest({
        db: handle.db,
        client,
        chainId,
        marketAddress: market,
        manifest: a.built.manifest,
        order: serializeOrder(a.built.order),
        signature: a.signature,
      }),
    ).rejects.toMatchObject({ code: "INVALID_SIGNATURE" });
    const b = await signed({ ...deployTemplates[0]?.manifest, name: "market" } as never, tenant, {
      market: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    });
    await expect(
      storeManifest({
        db: handle.db,
        client,
        chainId,
        marketAddress: market,
        manifest: b.built.manifest,
        order: serializeOrder(b.built.order),
        signature: b.signature,
        domain: { chainId, verifyingContract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" },
      }),
    ).rejects.toThrow(/another market/);
  });

  it("refuses a manifest whose hash is not the order's specHash, or resources that differ", async () => {
    const { built, signature } = await signed({ ...deployTemplates[0]?.manifest, name: "swapped" } as never);
    await expect(
      storeManifest({
        db: handle.db,
        client,
        chainId,
        marketAddress: market,
        manifest: { ...built.manifest, image: "evil:latest" },
        order: serializeOrder(built.order),
        signature,
      }),
    ).rejects.toMatchObject({ code: "INVALID_MANIFEST" });
    const order = { ...serializeOrder(built.order), cpuMillicores: built.order.cpuMillicores + 1 };
    await expect(
      storeManifest({
        db: handle.db,
        client,
        chainId,
        marketAddress: market,
        manifest: built.manifest,
        order,
        signature,
      }),
    ).rejects.toThrow(/resources do not match/);
  });
});

describe("storeManifest: a v2 deployment with sealed secrets", () => {
  let n = 0;
  const salt = (): Hex => keccak256(toHex(`salt-${n++}`));
  /** web (2 replicas) + db with a volume, the db's password sealed; a fresh name per case (own hash). */
  const draft = (name: string) => ({
    version: 2,
    name,
    secrets: [
      { name: "db-password", value: "hunter2" },
      { name: "api-key", value: "k-123" },
    ],
    services: [
      {
        name: "web",
        image: "nginx:1.27",
        replicas: 2,
        ports: [{ port: 80, expose: "http" }],
        env: [{ name: "API_KEY", secret: "api-key" }],
        resources: { cpu: 500, memory: 256, storage: 512 },
      },
      {
        name: "db",
        image: "postgres:16",
        env: [{ name: "POSTGRES_PASSWORD", secret: "db-password" }],
        resources: { cpu: 1000, memory: 1024, storage: 1024 },
        volumes: [{ name: "data", mount: "/var/lib/postgresql/data", size: 10240, storageClass: "standard" }],
      },
    ],
  });
  async function sealedAndSigned(name: string) {
    const { manifest, values } = sealSecrets(draft(name), salt);
    return { ...(await signed(manifest as never)), values };
  }
  const store = (s: Awaited<ReturnType<typeof sealedAndSigned>>, secrets: unknown, order?: unknown) =>
    storeManifest({
      db: handle.db,
      client,
      chainId,
      marketAddress: market,
      manifest: s.built.manifest,
      order: order ?? serializeOrder(s.built.order),
      signature: s.signature,
      secrets,
    });

  it("stores it with the values of its secrets, and buys exactly its totals", async () => {
    const s = await sealedAndSigned("good");
    // 2 × 500m + 1000m, 2 × 256 + 1024 MiB, 2 × 512 + 1024 MiB ephemeral (volumes are not on-chain).
    expect(s.built.order).toMatchObject({
      cpuMillicores: 2000,
      memoryMiB: 1536,
      storageMiB: 2048,
      gpuCount: 0,
    });
    const stored = await store(s, s.values);
    expect(stored.created).toBe(true);
    const row = await getManifest({ db: handle.db, specHash: s.built.specHash });
    // The stored body is the signed one: digests, never a value.
    expect(JSON.stringify(row?.body)).not.toContain("hunter2");
    expect((row?.body as { secrets?: unknown } | undefined)?.secrets).toEqual(
      s.values.map((v) => ({ name: v.name, digest: expect.stringMatching(/^0x[0-9a-f]{64}$/) })),
    );
  });

  const wrong = (values: SecretValue[]): SecretValue[] =>
    values.map((v) => (v.name === "db-password" ? { ...v, value: "hunter3" } : v));
  it.each([
    { case: "a value that does not match its digest", secrets: wrong, error: /does not match its digest/ },
    {
      case: "a salt that is not the one sealed",
      secrets: (v: SecretValue[]) => v.map((x) => ({ ...x, salt: keccak256(toHex("other")) })),
      error: /does not match its digest/,
    },
    {
      case: "a missing value",
      secrets: (v: SecretValue[]) => v.filter((x) => x.name !== "api-key"),
      error: /No value was sent for secret "api-key"/,
    },
    { case: "no values at all", secrets: () => undefined, error: /No value was sent for secret/ },
    {
      case: "an extra value",
      secrets: (v: SecretValue[]) => [...v, { name: "extra", salt: keccak256(toHex("x")), value: "x" }],
      error: /no secret named "extra"/,
    },
    {
      case: "a value sent twice",
      secrets: (v: SecretValue[]) => [...v, v[0]],
      error: /has two values/,
    },
    {
      case: "a malformed value",
      secrets: (v: SecretValue[]) => v.map((x) => ({ ...x, salt: "0x12" })),
      error: /Invalid secret values: 0.salt/,
    },
  ])("refuses $case with a 400 and writes nothing", async ({ case: name, secrets, error }) => {
    const s = await sealedAndSigned(
      `bad-${name
        .replaceAll(/[^a-z]+/g, "-")
        .slice(0, 30)
        .replace(/-$/, "")}`,
    );
    const attempt = store(s, secrets(s.values));
    await expect(attempt).rejects.toMatchObject({ code: "INVALID_MANIFEST", status: 400 });
    await expect(attempt).rejects.toThrow(error);
    expect(await getManifest({ db: handle.db, specHash: s.built.specHash })).toBeNull();
  });

  it("refuses an order that does not buy the deployment's totals", async () => {
    const s = await sealedAndSigned("short");
    const order = { ...serializeOrder(s.built.order), memoryMiB: 1024 + 256 };
    await expect(store(s, s.values, order)).rejects.toThrow(/resources do not match the manifest \(memory\)/);
    expect(await getManifest({ db: handle.db, specHash: s.built.specHash })).toBeNull();
  });
});
