import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { clusters, inventorySnapshots, providers } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { getMarketOverview } from "./get-market-overview";

// What the market shows of each cluster's exposure and storage, from the same one query per table.

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => {
  await handle?.close();
});

const totals = { cpuMillis: 4000, memoryBytes: 8 * 2 ** 30, gpus: {} };

describe("getMarketOverview", () => {
  it("shows per cluster: HTTP ingress and its TLS, TCP/UDP ports, storage classes with their prices", async () => {
    const address = "0x00000000000000000000000000000000000000c1";
    await handle.db.insert(providers).values({ address, name: "Offers" });
    const rows = await handle.db
      .insert(clusters)
      .values([
        {
          providerAddress: address,
          name: "b-web",
          kubeconfigEnc: "x",
          server: "https://b.example:6443",
          status: "up",
          exposure: {
            ingressClass: "nginx",
            ingressNamespace: "ingress-nginx",
            baseDomain: "apps.b.example",
            tls: { kind: "cert-manager", issuerKind: "ClusterIssuer", issuer: "le" },
            ports: "loadbalancer",
          },
          storageClasses: [
            { name: "standard", pricePerGiBHour: "100" },
            { name: "fast-ssd", pricePerGiBHour: "250" },
          ],
        },
        {
          providerAddress: address,
          name: "a-bare",
          kubeconfigEnc: "x",
          server: "https://a.example:6443",
          status: "up",
        },
        {
          providerAddress: address,
          name: "c-down",
          kubeconfigEnc: "x",
          server: "https://c.example:6443",
          status: "down",
        },
      ])
      .returning({ id: clusters.id });
    await handle.db
      .insert(inventorySnapshots)
      .values(rows.map((r) => ({ clusterId: r.id, allocatable: totals, free: totals, nodes: [] })));

    const overview = await getMarketOverview({ db: handle.db, fresh: true });
    const row = overview.providers.rows.find((p) => p.address === address);
    expect(row?.clusterOffers).toEqual([
      { name: "a-bare", http: false, tls: null, ports: "none", storageClasses: [] },
      {
        name: "b-web",
        http: true,
        tls: "cert-manager",
        ports: "loadbalancer",
        storageClasses: [
          { name: "standard", pricePerGiBHour: "100" },
          { name: "fast-ssd", pricePerGiBHour: "250" },
        ],
      },
    ]);
  });
});
