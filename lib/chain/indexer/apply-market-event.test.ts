import { type Hex, stringToHex } from "viem";
import { describe, expect, it } from "vitest";
import { toBytes32Text } from "@/lib/chain/order-types";
import {
  applyMarketEvent,
  bytes32Label,
  type ChainLease,
  emptyEventRows,
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
    });
    applyMarketEvent(state, { name: "ProviderDeregistered", args: { provider }, logIndex: 2, ...where }, at);
    expect(state.providers.get(provider)).toMatchObject({
      registered: false,
      operator: null,
      attributes: [],
    });
  });
});
