import { verifyTypedData } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { createTestDb } from "@/db/test-db";
import { orderTypedData, serializeOrder } from "@/lib/chain/order-types";
import { buildOrder } from "@/lib/market/build-order";
import { getManifest, storeManifest } from "@/lib/market/store-manifest";
import { deployTemplates } from "@/lib/market/templates";

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
