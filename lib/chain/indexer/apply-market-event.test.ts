import { type Hex, stringToHex } from "viem";
import { describe, expect, it } from "vitest";
import { toBytes32Text } from "@/lib/chain/order-types";
import {
  applyMarketEvent,
  bondTouches,
  bytes32Label,
  type ChainLease,
  emptyEventRows,
  eventKeys,
  type MarketState,
  providerAttributeLabels,
} from "./apply-market-event";
import type { MarketEvent } from "./decode-market-log";

const at = new Date("2030-01-01T00:00:00Z");
const where = {
  blockNumber: 10n,
  blockHash: `0x${"a".repeat(64)}` as Hex,
  txHash: `0x${"b".repeat(64)}` as Hex,
};
const provider = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const empty = (): MarketState => ({ orders: new Map(), leases: new Map(), providers: new Map() });

describe("attribute labels", () => {
  it("decodes bytes32 text and falls back to hex for bytes that are not clean text", () => {
    expect(bytes32Label(toBytes32Text("eu-west"))).toBe("eu-west");
    const binary = `0x01${"ff".repeat(31)}` as Hex;
    expect(bytes32Label(binary)).toBe(binary);
    // "=" would make `key=value` ambiguous.
    expect(bytes32Label(stringToHex("a=b", { size: 32 }))).toBe(stringToHex("a=b", { size: 32 }));
  });

  it("lists region, GPU models, then free-form pairs, without duplicates", () => {
    expect(
      providerAttributeLabels({
        region: toBytes32Text("eu-west"),
        gpuModels: [toBytes32Text("nvidia-a100"), toBytes32Text("nvidia-a100")],
        attributes: [{ key: toBytes32Text("tier"), value: toBytes32Text("gold") }],
      }),
    ).toEqual(["region=eu-west", "gpu=nvidia-a100", "tier=gold"]);
    expect(providerAttributeLabels({ region: `0x${"0".repeat(64)}`, gpuModels: [], attributes: [] })).toEqual(
      [],
    );
  });
});

describe("applyMarketEvent", () => {
  it("skips events about entities it never saw instead of inventing them", () => {
    const state = empty();
    const rows = emptyEventRows();
    const bid: MarketEvent = {
      name: "BidPlaced",
      args: { orderId: 7n, provider, bidder: provider, pricePerHour: 5n },
      logIndex: 0,
      ...where,
    };
    expect(applyMarketEvent(state, bid, at, rows)).toMatch(/unknown order 7/);
    const close: MarketEvent = {
      name: "LeaseClosed",
      args: {
        leaseId: 7n,
        closedBy: provider,
        reason: `0x${"0".repeat(64)}`,
        providerAmount: 1n,
        fee: 0n,
        tenantRefund: 0n,
      },
      logIndex: 1,
      ...where,
    };
    expect(applyMarketEvent(state, close, at, rows)).toMatch(/unknown lease 7/);
    expect(state.orders.size + state.leases.size).toBe(0);
    const update: MarketEvent = {
      name: "LeaseSpecUpdated",
      args: { leaseId: 7n, specHash: `0x${"1".repeat(64)}`, revision: 1n, signer: provider },
      logIndex: 2,
      ...where,
    };
    expect(applyMarketEvent(state, update, at, rows)).toMatch(/unknown lease 7/);
    const rule: MarketEvent = {
      name: "AutoTopUpSet",
      args: { leaseId: 7n, amountPerTopUp: 1n, totalCap: 1n, minRunwaySeconds: 1n },
      logIndex: 3,
      ...where,
    };
    expect(applyMarketEvent(state, rule, at, rows)).toMatch(/unknown order 7/);
    expect(state.orders.size + state.leases.size).toBe(0);
    expect(rows).toEqual(emptyEventRows());
  });

  it("applies spec revisions only in sequence", () => {
    const state = empty();
    const lease = { id: "7", specHash: `0x${"0".repeat(63)}1`, specRevision: 0 } as ChainLease;
    state.leases.set("7", lease);
    const update = (revision: bigint, logIndex: number): MarketEvent => ({
      name: "LeaseSpecUpdated",
      args: { leaseId: 7n, specHash: `0x${"2".repeat(64)}`, revision, signer: provider },
      logIndex,
      ...where,
    });
    const rows = emptyEventRows();
    expect(applyMarketEvent(state, update(2n, 0), at, rows)).toMatch(
      /revision 2 of lease 7 does not follow 0/,
    );
    expect(applyMarketEvent(state, update(1n, 1), at, rows)).toBeUndefined();
    expect(state.leases.get("7")).toMatchObject({ specHash: `0x${"2".repeat(64)}`, specRevision: 1 });
    expect(rows.specRevisions).toEqual([
      {
        leaseId: "7",
        revision: 1,
        specHash: `0x${"2".repeat(64)}`,
        signer: provider,
        blockNumber: 10n,
        txHash: where.txHash,
        logIndex: 1,
        at,
      },
    ]);
  });

  it("tracks a provider through registration, operator change and deregistration", () => {
    const state = empty();
    const operator = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    const zero = "0x0000000000000000000000000000000000000000";
    const events: MarketEvent[] = [
      {
        name: "ProviderRegistered",
        args: {
          provider,
          operator: zero,
          region: toBytes32Text("us-east"),
          gpuModels: [],
          attributes: [],
          attributeEpoch: 1n,
        },
        logIndex: 0,
        ...where,
      },
      { name: "OperatorSet", args: { provider, operator }, logIndex: 1, ...where },
    ];
    for (const e of events) expect(applyMarketEvent(state, e, at)).toBeUndefined();
    expect(state.providers.get(provider)).toEqual({
      address: provider,
      registered: true,
      operator,
      attributes: ["region=us-east"],
      registeredAt: at,
      reputation: 0,
      reputationAttestedAt: null,
    });
    applyMarketEvent(state, { name: "ProviderDeregistered", args: { provider }, logIndex: 2, ...where }, at);
    expect(state.providers.get(provider)).toMatchObject({
      registered: false,
      operator: null,
      attributes: [],
    });
  });
});

describe("applyMarketEvent: market integrity", () => {
  const tenant = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc";
  const rival = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";
  const zero32 = `0x${"0".repeat(64)}` as Hex;
  let log = 0;
  const ev = (e: Pick<MarketEvent, "name" | "args">): MarketEvent =>
    ({ ...e, logIndex: log++, ...where }) as MarketEvent;
  const order = (over: Record<string, unknown> = {}) =>
    ev({
      name: "OrderCreated",
      args: {
        orderId: 7n,
        tenant,
        orderHash: `0x${"c".repeat(64)}`,
        bidEnd: 1_900_000_000n,
        order: {
          tenant,
          specHash: `0x${"d".repeat(64)}`,
          cpuMillicores: 1000n,
          memoryMiB: 1024n,
          storageMiB: 0n,
          gpuCount: 0n,
          gpuModel: zero32,
          requiredAttributes: [],
          maxPricePerHour: 100n,
          duration: 3600n,
          deposit: 100n,
          bidWindow: 60n,
          nonce: 0n,
          deadline: 0n,
          startDeadline: 600n,
          auctionFormat: 1n,
          revealWindow: 300n,
          minReputation: 40n,
          ...over,
        },
      },
    } as never);

  it("folds a sealed auction: commits, reveals (lowest best, second kept), and a forfeited commit", () => {
    const state = empty();
    const rows = emptyEventRows();
    const third = "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65";
    const events: MarketEvent[] = [
      order(),
      ev({ name: "BidCommitted", args: { orderId: 7n, provider, bidder: provider } }),
      ev({ name: "BidCommitted", args: { orderId: 7n, provider: rival, bidder: rival } }),
      ev({ name: "BidCommitted", args: { orderId: 7n, provider: third, bidder: third } }),
      ev({ name: "BidRevealed", args: { orderId: 7n, provider, price: 60n } }),
      ev({ name: "BidRevealed", args: { orderId: 7n, provider: rival, price: 50n } }),
      ev({ name: "CommitForfeited", args: { orderId: 7n, provider: third, amount: 2n } }),
    ];
    for (const e of events) expect(applyMarketEvent(state, e, at, rows)).toBeUndefined();
    expect(state.orders.get("7")).toMatchObject({
      auctionFormat: "sealed",
      revealWindowSeconds: 300,
      minReputation: 40,
      startDeadlineSeconds: 600,
      commitCount: 3,
      revealCount: 2,
      bidCount: 2,
      bestProvider: rival,
      bestPrice: "50",
      secondPrice: "60",
    });
    expect(rows.sealedBids.map((r) => [r.kind, r.provider, r.price, r.amount])).toEqual([
      ["commit", provider, null, null],
      ["commit", rival, null, null],
      ["commit", third, null, null],
      ["reveal", provider, "60", null],
      ["reveal", rival, "50", null],
      ["forfeit", third, null, "2"],
    ]);
    expect(rows.bids.map((b) => [b.provider, b.price])).toEqual([
      [provider, "60"],
      [rival, "50"],
    ]);
    // A tie with the best keeps the first and makes the tie the second price.
    applyMarketEvent(
      state,
      ev({ name: "BidRevealed", args: { orderId: 7n, provider: third, price: 50n } }),
      at,
      rows,
    );
    expect(state.orders.get("7")).toMatchObject({ bestProvider: rival, bestPrice: "50", secondPrice: "50" });
  });

  const started = () => {
    const state = empty();
    applyMarketEvent(state, order({ auctionFormat: 0n, revealWindow: 0n }), at);
    applyMarketEvent(
      state,
      ev({
        name: "LeaseStarted",
        args: {
          leaseId: 7n,
          provider,
          tenant,
          pricePerHour: 3600n,
          startedAt: BigInt(at.getTime() / 1000),
          endsAt: BigInt(at.getTime() / 1000 + 3600),
          feeBps: 0n,
          early: false,
        },
      }),
      at,
    );
    return state;
  };

  it("dates the start deadline from settlement, then records the attested start, downtime refunds and slashes", () => {
    const state = started();
    expect(state.leases.get("7")).toMatchObject({
      settledAt: at,
      startDeadline: new Date(at.getTime() + 600_000),
      attestedAt: null,
    });
    const rows = emptyEventRows();
    const t = at.getTime() / 1000;
    const spec = `0x${"e".repeat(64)}` as Hex;
    const later = new Date(at.getTime() + 90_000);
    expect(
      applyMarketEvent(
        state,
        ev({
          name: "LeaseStartAttested",
          args: { leaseId: 7n, specHash: spec, startedAt: BigInt(t + 90), endsAt: BigInt(t + 3690) },
        }),
        later,
        rows,
      ),
    ).toBeUndefined();
    expect(
      applyMarketEvent(
        state,
        ev({
          name: "LeaseStartAttested",
          args: { leaseId: 7n, specHash: spec, startedAt: BigInt(t + 90), endsAt: BigInt(t + 3690) },
        }),
        later,
        rows,
      ),
    ).toMatch(/attested twice/);
    const refund = ev({
      name: "DowntimeRefunded",
      args: { leaseId: 7n, downtimeSeconds: 120n, fromEarnings: 100n, fromBond: 20n },
    });
    const slash = ev({
      name: "BondSlashed",
      args: { leaseId: 7n, provider, amount: 20n, to: tenant, reason: toBytes32Text("sla") },
    });
    applyMarketEvent(state, refund, later, rows);
    applyMarketEvent(state, slash, later, rows);
    expect(state.leases.get("7")).toMatchObject({
      attestedAt: new Date((t + 90) * 1000),
      endsAt: new Date((t + 3690) * 1000),
      attestedSpecHash: spec,
      downtimeSeconds: 120,
      slaRefunded: "120",
    });
    expect(rows.downtimeRefunds).toMatchObject([
      { leaseId: "7", provider, seconds: 120, fromEarnings: "100", fromBond: "20" },
    ]);
    expect(rows.payments.map((p) => [p.kind, p.account, p.amount, p.leaseId])).toEqual([
      ["sla-refund", tenant, "100", "7"],
      ["slash", tenant, "20", "7"],
    ]);
    expect(rows.bondEvents).toMatchObject([
      { kind: "slash", provider, amount: "20", orderId: "7", recipient: tenant, reason: "sla" },
    ]);
  });

  it("closes a lease cancelled unstarted, with the escrow refunded and the slash recorded", () => {
    const state = started();
    const rows = emptyEventRows();
    applyMarketEvent(
      state,
      ev({ name: "LeaseUnstarted", args: { leaseId: 7n, refund: 100n, slashed: 6n } }),
      at,
      rows,
    );
    // The contract's LeaseClosed in the same transaction pays the escrow back (counted once).
    applyMarketEvent(
      state,
      ev({
        name: "LeaseClosed",
        args: {
          leaseId: 7n,
          closedBy: "0x0000000000000000000000000000000000000001",
          reason: `0x${Buffer.from("unstarted").toString("hex").padEnd(64, "0")}`,
          providerAmount: 0n,
          fee: 0n,
          tenantRefund: 100n,
        },
      }),
      at,
      rows,
    );
    expect(state.leases.get("7")).toMatchObject({
      status: "closed",
      closeReason: "unstarted",
      unstartedRefund: "100",
      unstartedSlash: "6",
    });
    expect(rows.payments.map((p) => [p.kind, p.amount])).toEqual([["refund", "100"]]);
  });

  it("records bond movements as rows and reputation on the provider", () => {
    const state = empty();
    const rows = emptyEventRows();
    const events = [
      ev({ name: "BondDeposited", args: { provider, amount: 500n, total: 500n } }),
      ev({ name: "BondWithdrawalRequested", args: { provider, amount: 200n, unbondAt: 1_900_000_060n } }),
      ev({ name: "BondWithdrawn", args: { provider, amount: 200n } }),
      ev({ name: "ReputationAttested", args: { provider, score: 73n } }),
    ];
    for (const e of events) expect(applyMarketEvent(state, e, at, rows)).toBeUndefined();
    expect(rows.bondEvents.map((b) => [b.kind, b.amount, b.total, b.unbondAt])).toEqual([
      ["deposit", "500", "500", null],
      ["withdrawal-requested", "200", null, new Date(1_900_000_060_000)],
      ["withdrawn", "200", null, null],
    ]);
    expect(state.providers.get(provider)).toMatchObject({ reputation: 73, reputationAttestedAt: at });
    expect(rows.reputationAttestations).toMatchObject([{ provider, score: 73 }]);
    expect(eventKeys(events[3]!)).toEqual({ orderId: null, provider });
  });

  it("names the providers whose bond an event may move, including the outbid one", () => {
    const state = empty();
    applyMarketEvent(state, order({ auctionFormat: 0n, revealWindow: 0n }), at);
    applyMarketEvent(
      state,
      ev({ name: "BidPlaced", args: { orderId: 7n, provider, bidder: provider, pricePerHour: 90n } }),
      at,
    );
    const outbid = ev({
      name: "BidPlaced",
      args: { orderId: 7n, provider: rival, bidder: rival, pricePerHour: 80n },
    });
    expect(bondTouches(state, outbid).sort()).toEqual([provider, rival].sort());
    expect(bondTouches(state, ev({ name: "ReputationAttested", args: { provider, score: 1n } }))).toEqual([]);
  });
});
