// `npm run bench:auction`: market efficiency of each auction format under each bid-engine
// strategy. Thousands of simulated auctions for the deploy form's default order (the `web`
// template) with N = 1…20 providers whose unit prices are drawn (seeded, so every run prints the
// same figures) from the spread of the demo providers in dev/seed.ts; each provider's floor is its
// price for the order by priceOrder, the tenant's max is what the deploy form suggests for those
// providers (quoteOrderTerms), and the auction is played out by lib/market/simulate-auction.ts with
// the bid engine's own decideBid and sealedBidPrice. Prints figures, asserts nothing.

import { demoProfiles } from "@/dev/seed";
import { estimateAuctionPrices, undercutBidders } from "@/lib/market/estimate-auction-price";
import { manifestTotals } from "@/lib/market/manifest";
import { formatTokenAmount, type ProviderPricing, priceOrder } from "@/lib/market/price-order";
import { quoteOrderTerms } from "@/lib/market/quote-order-terms";
import {
  type AuctionFormatName,
  type AuctionOutcome,
  type BidStrategy,
  DEFAULT_UNDERCUT_STEP,
  type SimBidder,
  simulateAuction,
} from "@/lib/market/simulate-auction";
import { deployTemplates } from "@/lib/market/templates";
import { validateManifestDraft } from "@/lib/market/validate-manifest-draft";

const AUCTIONS = 2_000; // per N, the same draws for every format × strategy
const SIZES = [1, 2, 3, 5, 10, 20];
const SEED = 20261130;
const UNDERCUT_STEP = DEFAULT_UNDERCUT_STEP;
const FORMATS: AuctionFormatName[] = ["open", "sealed"];
const STRATEGIES: BidStrategy[] = ["floor", "undercut"];

// mulberry32: small, seeded, deterministic.
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const template = deployTemplates.find((t) => t.id === "web");
const manifest = template ? validateManifestDraft(template.manifest).manifest : null;
if (!manifest) throw new Error("the web template no longer validates");
const order = manifestTotals(manifest);

// Each unit price uniform between the cheapest and dearest demo provider's.
type Unit = "cpuCoreHour" | "memoryGibHour" | "storageGibHour";
const UNITS: Unit[] = ["cpuCoreHour", "memoryGibHour", "storageGibHour"];
const spread = Object.fromEntries(
  UNITS.map((u) => {
    const v = demoProfiles.map((p) => Number(p.pricing[u]));
    return [u, [Math.min(...v), Math.max(...v)]];
  }),
) as Record<Unit, [number, number]>;

function drawFloor(rand: () => number): bigint {
  const pricing = Object.fromEntries(
    UNITS.map((u) => {
      const [lo, hi] = spread[u];
      return [u, String(Math.round(lo + rand() * (hi - lo)))];
    }),
  ) as Record<Unit, string>;
  const priced = priceOrder({ ...pricing, gpuHour: {} } satisfies ProviderPricing, order);
  if (!priced.ok) throw new Error(priced.reason);
  return priced.pricePerHour;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}

interface Cell {
  ratio: number[];
  surplus: bigint;
  surplusPct: number;
  atMax: number;
  bids: number;
  won: number;
}

const cells = new Map<string, Cell>();
const key = (f: AuctionFormatName, s: BidStrategy, n: number) => `${f}/${s}/${n}`;
let lowestFloorSeen = Number.POSITIVE_INFINITY;
let highestFloorSeen = 0;

const started = performance.now();
let simulated = 0;
for (const n of SIZES) {
  const rand = prng(SEED + n);
  for (let i = 0; i < AUCTIONS; i++) {
    // Drawn floors in a random turn order (the order the bid engine happens to reach them).
    const floors = Array.from({ length: n }, () => drawFloor(rand));
    for (const f of floors) {
      lowestFloorSeen = Math.min(lowestFloorSeen, Number(f));
      highestFloorSeen = Math.max(highestFloorSeen, Number(f));
    }
    const lowest = [...floors].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[0] as bigint;
    const max = quoteOrderTerms({
      rates: floors,
      recentPrices: [],
      cpuMillis: order.cpuMillis,
      durationHours: "1",
      bidWindowSeconds: "20",
      maxPriceText: null,
      depositText: null,
    }).suggestedMaxPrice;
    for (const format of FORMATS)
      for (const strategy of STRATEGIES) {
        const bidders: SimBidder[] = floors.map((floor, j) => ({
          id: `p${j}`,
          floor,
          strategy,
          undercutStep: UNDERCUT_STEP,
        }));
        const o: AuctionOutcome = simulateAuction({ format, bidders, maxPricePerHour: max });
        simulated++;
        const k = key(format, strategy, n);
        const cell = cells.get(k) ?? { ratio: [], surplus: 0n, surplusPct: 0, atMax: 0, bids: 0, won: 0 };
        cells.set(k, cell);
        cell.bids += o.bids;
        if (o.price === null || o.winnerFloor === null) continue;
        cell.won++;
        cell.ratio.push(Number(o.price) / Number(lowest));
        cell.surplus += o.price - o.winnerFloor;
        cell.surplusPct += (Number(o.price - o.winnerFloor) / Number(o.winnerFloor)) * 100;
        if (o.atMax) cell.atMax++;
      }
  }
}
const ms = performance.now() - started;

console.log(
  `auction bench: ${simulated.toLocaleString("en-US")} auctions (${AUCTIONS} per N per format × strategy, seed ${SEED}) in ${(ms / 1000).toFixed(2)} s`,
);
console.log(
  `order: the web template (${order.cpuMillis} mCPU, ${order.memoryMiB} MiB, ${order.storageMiB} MiB disk); floors ${formatTokenAmount(BigInt(lowestFloorSeen))}–${formatTokenAmount(BigInt(highestFloorSeen))}/h drawn from the demo providers' unit prices (${UNITS.map((u) => `${u} ${spread[u][0]}–${spread[u][1]}`).join(", ")})`,
);
console.log(
  `max price: the deploy form's suggestion (highest floor + 10 %); undercut step ${formatTokenAmount(UNDERCUT_STEP)}/h; sealed bids by sealedBidPrice (the floor, whatever the open strategy)`,
);
console.log("");
const header = [
  "format",
  "strategy",
  "N",
  "price/lowest floor p50",
  "p90",
  "surplus mean /h",
  "surplus % of floor",
  "at max",
  "bids/auction",
];
const rows: string[][] = [];
for (const format of FORMATS)
  for (const strategy of STRATEGIES)
    for (const n of SIZES) {
      const c = cells.get(key(format, strategy, n));
      if (!c) continue;
      const sorted = [...c.ratio].sort((a, b) => a - b);
      rows.push([
        format === "open" ? "open descending" : "sealed 2nd-price",
        format === "sealed" ? `${strategy} (truthful)` : strategy,
        String(n),
        quantile(sorted, 0.5).toFixed(3),
        quantile(sorted, 0.9).toFixed(3),
        c.won ? (Number(c.surplus / BigInt(c.won)) / 1e6).toFixed(6) : "-",
        c.won ? `${(c.surplusPct / c.won).toFixed(1)} %` : "-",
        `${((c.atMax / AUCTIONS) * 100).toFixed(1)} %`,
        (c.bids / AUCTIONS).toFixed(1),
      ]);
    }
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
const line = (cols: string[]) => cols.map((c, i) => c.padStart(widths[i] ?? 0)).join("  ");
console.log(line(header));
for (const [i, r] of rows.entries()) {
  if (i > 0 && rows[i - 1]?.[1] !== r[1]) console.log("");
  console.log(line(r));
}

// The deploy form's estimate for the same order on the demo market itself (the three seeded
// providers, undercutting as seeded): what the form says, beside what the table measures.
const demoFloors = demoProfiles.map((p) => {
  const priced = priceOrder(p.pricing, order);
  if (!priced.ok) throw new Error(priced.reason);
  return priced.pricePerHour;
});
console.log("");
for (const n of [demoFloors.length, 1]) {
  const floors = [...demoFloors].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, n);
  const max = quoteOrderTerms({
    rates: floors,
    recentPrices: [],
    cpuMillis: order.cpuMillis,
    durationHours: "1",
    bidWindowSeconds: "20",
    maxPriceText: null,
    depositText: null,
  }).suggestedMaxPrice;
  const e = estimateAuctionPrices({
    bidders: undercutBidders(floors),
    maxPricePerHour: max,
    recentPrice: null,
  });
  console.log(
    `deploy estimate, demo market with ${n} eligible provider${n === 1 ? "" : "s"} (max ${formatTokenAmount(max)}/h):`,
  );
  console.log(`  open:   ${e.open.basis}`);
  console.log(`  sealed: ${e.sealed.basis}`);
}
