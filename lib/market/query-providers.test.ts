import { describe, expect, it } from "vitest";
import type { MarketProviderRow } from "./get-market-overview";
import { providerQuerySchema, queryProviders } from "./query-providers";

function row(n: number, over: Partial<MarketProviderRow> = {}): MarketProviderRow {
  return {
    address: `0x${n.toString(16).padStart(40, "0")}`,
    name: `P${n}`,
    region: "eu",
    regions: ["eu"],
    gpuModels: [],
    clusters: 1,
    free: { cpuMillis: n * 1000, memoryBytes: n * 2 ** 30, gpus: 0 },
    allocatable: { cpuMillis: n * 1000, memoryBytes: n * 2 ** 30, gpus: 0 },
    pricing: { cpuCoreHour: String(1000 - n), memoryGibHour: "1", storageGibHour: "1", gpuHour: {} },
    activeLeases: 0,
    onlineSince: null,
    leastPrivilege: true,
    networkIsolation: "enforced",
    clusterOffers: [],
    lastSeenAt: null,
    reputation: null,
    ...over,
  };
}

const all = [
  ...Array.from({ length: 120 }, (_, i) => row(i + 1)),
  row(500, { regions: ["us"], region: "us", gpuModels: ["NVIDIA-L4"] }),
];

describe("queryProviders", () => {
  it("serves one page, most free CPU first, with the match count and facets over everyone", () => {
    const page = queryProviders(all, providerQuerySchema.parse({}));
    expect(page.rows).toHaveLength(50);
    expect(page.rows[0]?.name).toBe("P500");
    expect(page.rows[1]?.name).toBe("P120");
    expect(page.matched).toBe(121);
    expect(page.total).toBe(121);
    expect(page.facets).toEqual({ regions: ["eu", "us"], gpuModels: ["NVIDIA-L4"] });
  });

  it("filters by region, GPU model and minimum free CPU and memory", () => {
    expect(queryProviders(all, providerQuerySchema.parse({ region: "us" })).matched).toBe(1);
    expect(queryProviders(all, providerQuerySchema.parse({ gpu: "NVIDIA-L4" })).rows[0]?.name).toBe("P500");
    const big = queryProviders(all, providerQuerySchema.parse({ minCpu: "100", minMemory: "110" }));
    expect(big.rows.map((r) => r.name)).toEqual([
      "P500",
      "P120",
      "P119",
      "P118",
      "P117",
      "P116",
      "P115",
      "P114",
      "P113",
      "P112",
      "P111",
      "P110",
    ]);
  });

  it("sorts either way and pages with offset", () => {
    const cheapest = queryProviders(
      all,
      providerQuerySchema.parse({ sort: "price", dir: "asc", limit: "2" }),
    );
    expect(cheapest.rows.map((r) => r.name)).toEqual(["P500", "P120"]);
    const second = queryProviders(
      all,
      providerQuerySchema.parse({ sort: "name", dir: "asc", limit: "2", offset: "2" }),
    );
    expect(second.rows.map((r) => r.name)).toEqual(["P100", "P101"]);
  });

  it("sorts by reputation, best first, providers without a score last", () => {
    const rep = (score: number) => ({
      score,
      onChainScore: score,
      clusterUptimePercent: 100,
      onTimeStarts: 0,
      startsDue: 0,
      earlyEnds: 0,
      leasesEnded: 0,
      slaRefunded: "0",
      slaRefundCount: 0,
      slaRefundSeconds: 0,
      medianSecondsToRunning: null,
    });
    const rows = [
      row(1),
      row(2, { reputation: rep(40) }),
      row(3, { reputation: rep(95) }),
      row(4, { reputation: rep(0) }),
    ];
    const names = (dir: "asc" | "desc") =>
      queryProviders(rows, providerQuerySchema.parse({ sort: "reputation", dir })).rows.map((r) => r.name);
    expect(names("desc")).toEqual(["P3", "P2", "P4", "P1"]);
    expect(names("asc")).toEqual(["P1", "P4", "P2", "P3"]);
  });

  it("refuses bad query values", () => {
    expect(providerQuerySchema.safeParse({ sort: "drop table" }).success).toBe(false);
    expect(providerQuerySchema.safeParse({ limit: "100000" }).success).toBe(false);
    expect(providerQuerySchema.safeParse({ minCpu: "-1" }).success).toBe(false);
  });
});
