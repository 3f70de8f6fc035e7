import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { type Hex, toHex } from "viem";
import { generatePrivateKey, type LocalAccount, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { leases, manifests, orders } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { devAccounts, devRoles } from "@/lib/chain/dev-accounts";
import { createMarketDriver, type MarketDriver, USD } from "@/lib/chain/indexer/market-test-driver";
import { syncOnce } from "@/lib/chain/indexer/sync-once";
import { leaseUpdateTypedData } from "@/lib/chain/lease-update-types";
import { type AnvilInstance, startAnvil } from "@/lib/chain/start-anvil";
import { buildOrder } from "@/lib/market/build-order";
import { canonicalizeManifest, type SecretValue, sealSecrets } from "@/lib/market/manifest";
import { loadSecretValues } from "@/lib/market/secret-values";
import { insertManifest } from "@/lib/market/store-manifest";
import { installTestDb } from "@/lib/testing/install-test-db";

// POST /api/leases/[id]/updates as Next calls it, on anvil with the real contract and indexer: a lease
// bought for a web service and a database with a volume and a secret is edited, scaled, refused what
// does not fit or is not signed by the tenant or its deploy key, and every relayed update lands on-chain.

const key = (address: string) => devAccounts.find((a) => a.address === address)?.privateKey as Hex;
const [p0] = devRoles.providers.map((p) => p.address);
const [t0] = devRoles.tenants.map((t) => t.address);
const tenant = privateKeyToAccount(key(t0 as string));
const deployKey = privateKeyToAccount(generatePrivateKey());
const stranger = privateKeyToAccount(generatePrivateKey());
const PASSWORD = "correct horse battery staple";
const salt = () => toHex(randomBytes(32));

let anvil: AnvilInstance;
let m: MarketDriver;
let db: DbHandle;
let POST: typeof import("./route").POST;
let leaseId: bigint;
let secretKey: Uint8Array;

// What the lease bought: 2 web replicas of 500m/512Mi and a database with a 1 GiB volume.
const web = (o: Record<string, unknown> = {}) => ({
  name: "web",
  image: "nginx:1.27",
  ports: [{ name: "http", port: 80, expose: "internal" }],
  resources: { cpu: 500, memory: 512, storage: 1024 },
  replicas: 2,
  ...o,
});
const database = (volume: Record<string, unknown> = {}) => ({
  name: "db",
  image: "postgres:16",
  env: [{ name: "POSTGRES_PASSWORD", secret: "pw" }],
  resources: { cpu: 1000, memory: 1024, storage: 1024 },
  replicas: 1,
  volumes: [
    { name: "data", mount: "/var/lib/postgresql/data", size: 1024, storageClass: "standard", ...volume },
  ],
});
const draft = (services: unknown[], password = PASSWORD) => ({
  version: 2,
  name: "shop",
  services,
  secrets: [{ name: "pw", value: password }],
});

const sync = () =>
  syncOnce({
    db: db.db,
    client: m.pub,
    market: m.market,
    startBlock: m.deployBlock,
    confirmations: 0,
    log: () => {},
  });

let current: { manifest: Record<string, unknown>; values: SecretValue[] };

async function revision(): Promise<number> {
  const [row] = await db.db.select().from(leases).where(eq(leases.id, leaseId.toString()));
  return row?.specRevision ?? -1;
}

/** Signs an update of the lease to `manifest` as `signer` and posts it; answers status and body text. */
async function post(
  manifest: Record<string, unknown>,
  opts: {
    signer?: LocalAccount;
    secrets?: SecretValue[];
    claim?: string;
    nonce?: bigint;
    specHash?: Hex;
  } = {},
) {
  const signer = opts.signer ?? tenant;
  const specHash = opts.specHash ?? canonicalizeManifest(manifest).specHash;
  const update = {
    leaseId,
    specHash,
    nonce: opts.nonce ?? BigInt(await revision()),
    deadline: BigInt(Math.floor(Date.now() / 1000) + 3600),
  };
  const signature = await signer.signTypedData(leaseUpdateTypedData(update, m.chainId, m.market));
  const res = await POST(
    new NextRequest(`http://localhost/api/leases/${leaseId}/updates`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        manifest,
        secrets: opts.secrets ?? [],
        update: {
          ...update,
          leaseId: update.leaseId.toString(),
          nonce: update.nonce.toString(),
          deadline: update.deadline.toString(),
        },
        signer: opts.claim ?? signer.address,
        signature,
      }),
    }),
    { params: Promise.resolve({ id: leaseId.toString() }) },
  );
  const text = await res.text();
  // No secret value ever comes back, whatever the answer.
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain("new secret value");
  await sync();
  return { status: res.status, body: JSON.parse(text), specHash };
}

beforeAll(async () => {
  anvil = await startAnvil();
  m = await createMarketDriver({ rpcUrl: anvil.rpcUrl });
  secretKey = randomBytes(32);
  Object.assign(process.env, {
    RPC_URL: anvil.rpcUrl,
    CHAIN_ID: String(m.chainId),
    MARKET_ADDRESS: m.market,
    RELAYER_PRIVATE_KEY: key(devRoles.e2e[0].address),
    KUBECONFIG_ENCRYPTION_KEY: Buffer.from(secretKey).toString("hex"),
    RATE_LIMIT_SCALE: "100",
  });
  db = installTestDb(await createTestDb());
  POST = (await import("./route")).POST;

  current = sealSecrets(draft([web(), database()]), salt);
  const built = buildOrder({
    tenant: tenant.address,
    manifest: current.manifest,
    maxPricePerHour: USD,
    deposit: 10n * USD,
    durationSeconds: 24 * 3600,
    bidWindowSeconds: 600,
  });
  await m.fund(tenant.address);
  await m.register(p0 as Hex, { region: "eu-west" });
  leaseId = await m.createOrder(
    await m.makeOrder(tenant.address, {
      ...built.order,
      nonce: 1n,
      maxPricePerHour: USD,
      deposit: 10n * USD,
    }),
  );
  await m.bid(p0 as Hex, leaseId, p0 as Hex, USD);
  await m.accept(tenant.address, leaseId);
  await insertManifest({
    db: db.db,
    canonical: canonicalizeManifest(current.manifest),
    tenant: tenant.address,
    signature: "0x00",
    signed: {},
    secrets: current.values,
  });
  await m.setDelegate(tenant.address, deployKey.address, leaseId, true);
  await sync();
});

afterAll(async () => {
  await db?.close();
  await anvil?.stop();
});

describe("POST /api/leases/[id]/updates", () => {
  it("relays the tenant's update of the image, keeping the unchanged secret's stored value", async () => {
    const next = { ...current.manifest, services: [web({ image: "nginx:1.28" }), database()] };
    const res = await post(next);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ specHash: res.specHash, revision: 1 });
    const [row] = await db.db.select().from(leases).where(eq(leases.id, leaseId.toString()));
    expect(row).toMatchObject({ specHash: res.specHash.toLowerCase(), specRevision: 1 });
    expect(await loadSecretValues(db.db, res.specHash, secretKey)).toEqual({ pw: PASSWORD });
    current = { ...current, manifest: next };
  });

  it("takes a replaced secret's new value, checked against its new digest", async () => {
    const replaced = sealSecrets(draft([web({ image: "nginx:1.28" }), database()], "new secret value"), salt);
    const res = await post(replaced.manifest, { signer: deployKey, secrets: replaced.values });
    expect(res.status).toBe(200);
    expect(res.body.revision).toBe(2);
    expect(await loadSecretValues(db.db, res.specHash, secretKey)).toEqual({ pw: "new secret value" });

    // A replaced digest without its value is refused, naming the secret.
    const missing = sealSecrets(draft([web(), database()], "another"), salt);
    const refused = await post(missing.manifest);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('No value was sent for secret "pw"');
    current = replaced;
  });

  it("scales within what the lease bought and refuses more", async () => {
    const down = { ...current.manifest, services: [web({ image: "nginx:1.28", replicas: 1 }), database()] };
    const res = await post(down, { signer: deployKey });
    expect(res.status).toBe(200);
    expect(res.body.revision).toBe(3);

    const up = { ...current.manifest, services: [web({ image: "nginx:1.28", replicas: 3 }), database()] };
    const over = await post(up);
    expect(over.status).toBe(422);
    expect(over.body.error.message).toContain("CPU 2500m of 2000m");
    expect(over.body.error.message).toContain("memory 2560 MiB of 2048 MiB");
    expect(await revision()).toBe(3);
  });

  it.each([
    ["shrinks a volume", { size: 512 }, "shrinks from 1024 MiB to 512 MiB"],
    ["changes a volume's class", { storageClass: "fast" }, "changes class from standard to fast"],
  ])("refuses an update that %s", async (_what, volume, message) => {
    const res = await post({ ...current.manifest, services: [web(), database(volume)] });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain(message);
    expect(res.body.error.message).toContain("cannot shrink a PersistentVolumeClaim");
  });

  it("refuses a signature that is not the named signer's, and a signer who is no delegate", async () => {
    const next = { ...current.manifest, services: [web({ image: "nginx:1.29" }), database()] };
    // Signed by a stranger but claimed to be the tenant's.
    const forged = await post(next, { signer: stranger, claim: tenant.address });
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe("INVALID_SIGNATURE");
    const notDelegate = await post(next, { signer: stranger });
    expect(notDelegate.status).toBe(403);
    expect(notDelegate.body.error.message).toContain("neither the lease's tenant nor one of its deploy keys");
    // A revoked deploy key is refused as well.
    await m.setDelegate(tenant.address, deployKey.address, leaseId, false);
    await sync();
    const revoked = await post(next, { signer: deployKey });
    expect(revoked.status).toBe(403);
    expect(await revision()).toBe(3);
  });

  it("refuses a stale nonce, a manifest that is not the signed hash, and an invalid manifest", async () => {
    const stale = await post({ ...current.manifest, name: "other" }, { nonce: 0n });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toContain("revision 3");
    const other = await post({ ...current.manifest, name: "other" }, { specHash: `0x${"ab".repeat(32)}` });
    expect(other.status).toBe(400);
    expect(other.body.error.message).toContain("not the hash of this manifest");
    const invalid = await post(
      { ...current.manifest, services: [web({ image: "Not An Image" })] },
      { specHash: `0x${"ab".repeat(32)}` },
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe("INVALID_MANIFEST");
  });

  it("rolls back to an earlier, already stored manifest with no secret values sent", async () => {
    const res = await post(await originalManifest());
    expect(res.status).toBe(200);
    expect(res.body.revision).toBe(4);
    expect(await loadSecretValues(db.db, res.specHash, secretKey)).toEqual({ pw: PASSWORD });
  });
});

/** The order's manifest as stored (with its secret's digest). */
async function originalManifest(): Promise<Record<string, unknown>> {
  const [order] = await db.db.select().from(orders).where(eq(orders.id, leaseId.toString()));
  const [stored] = await db.db
    .select()
    .from(manifests)
    .where(eq(manifests.specHash, order?.specHash.toLowerCase() ?? ""));
  return stored?.body as Record<string, unknown>;
}
