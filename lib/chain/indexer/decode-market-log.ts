// Turns one raw log into a validated market event, or null. Every log is untrusted input (a buggy or hostile
// RPC, another contract, an ABI drift): it is decoded with the generated ABI, then its arguments go through
// zod, so what reaches the database has the shapes and ranges the contract guarantees. The same schemas
// re-read the events stored in chain_events (bigints as decimal strings) when a reorg replays them.
import {
  type AbiEvent,
  type Address,
  decodeEventLog,
  type Hex,
  isAddress,
  type Log,
  toEventSelector,
} from "viem";
import { z } from "zod";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import { MAX_BID_WINDOW_SECONDS, MAX_REQUIRED_ATTRIBUTES } from "@/lib/chain/order-types";

const uint = (bits: number) =>
  z
    .union([z.bigint(), z.number().int(), z.string().regex(/^\d+$/, "expected a decimal integer string")])
    .transform((v) => BigInt(v))
    .refine((v) => v >= 0n && v < 1n << BigInt(bits), `out of range for uint${bits}`);
const address = z
  .string()
  .refine((v) => isAddress(v, { strict: false }), "invalid address")
  .transform((v) => v.toLowerCase() as Address);
const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "expected 32-byte hex")
  .transform((v) => v.toLowerCase() as Hex);
const id = uint(256).refine((v) => v > 0n, "ids start at 1");

const attribute = z.object({ key: bytes32, value: bytes32 });
// The contract caps a provider at 32 attributes (region + GPU models + free-form).
const providerAttributes = {
  region: bytes32,
  gpuModels: z.array(bytes32).max(32),
  attributes: z.array(attribute).max(32),
  attributeEpoch: uint(32),
};

const orderStruct = z.object({
  tenant: address,
  specHash: bytes32,
  cpuMillicores: uint(32),
  memoryMiB: uint(32),
  storageMiB: uint(32),
  gpuCount: uint(16),
  gpuModel: bytes32,
  requiredAttributes: z.array(bytes32).max(MAX_REQUIRED_ATTRIBUTES),
  maxPricePerHour: uint(96).refine((v) => v > 0n, "maxPricePerHour must be > 0"),
  duration: uint(32).refine((v) => v > 0n, "duration must be > 0"),
  deposit: uint(96).refine((v) => v > 0n, "deposit must be > 0"),
  bidWindow: uint(32).refine((v) => v > 0n && v <= BigInt(MAX_BID_WINDOW_SECONDS), "bidWindow out of range"),
  nonce: uint(256),
  deadline: uint(256),
  startDeadline: uint(16),
  auctionFormat: uint(8).refine((v) => v <= 1n, "auctionFormat must be 0 (open) or 1 (sealed)"),
  revealWindow: uint(32),
  minReputation: uint(8).refine((v) => v <= 100n, "minReputation above 100"),
});

/** Argument schemas of the events the indexer applies; other market events (fees, nonces, ownership) are ignored. */
const marketEventSchemas = {
  ProviderRegistered: z.object({ provider: address, operator: address, ...providerAttributes }),
  ProviderUpdated: z.object({ provider: address, ...providerAttributes }),
  OperatorSet: z.object({ provider: address, operator: address }),
  ProviderDeregistered: z.object({ provider: address }),
  OrderCreated: z.object({
    orderId: id,
    tenant: address,
    orderHash: bytes32,
    bidEnd: uint(40),
    order: orderStruct,
  }),
  OrderCancelled: z.object({ orderId: id, refund: uint(96) }),
  OrderExpired: z.object({ orderId: id, refund: uint(96) }),
  BidPlaced: z.object({
    orderId: id,
    provider: address,
    bidder: address,
    pricePerHour: uint(96).refine((v) => v > 0n, "price must be > 0"),
  }),
  LeaseStarted: z.object({
    leaseId: id,
    provider: address,
    tenant: address,
    pricePerHour: uint(96),
    startedAt: uint(40),
    endsAt: uint(40),
    feeBps: uint(16).refine((v) => v <= 10_000n, "feeBps above 100%"),
    early: z.boolean(),
  }),
  LeaseToppedUp: z.object({ leaseId: id, from: address, amount: uint(256), escrow: uint(96) }),
  Withdrawn: z.object({ leaseId: id, provider: address, amount: uint(96), fee: uint(96) }),
  LeaseSpecUpdated: z.object({
    leaseId: id,
    specHash: bytes32,
    revision: uint(32).refine((v) => v > 0n, "revisions start at 1"),
    signer: address,
  }),
  // leaseId 0: all of the tenant's leases.
  DelegateSet: z.object({ tenant: address, delegate: address, leaseId: uint(256), allowed: z.boolean() }),
  AutoTopUpSet: z.object({
    leaseId: id,
    amountPerTopUp: uint(96),
    totalCap: uint(96),
    minRunwaySeconds: uint(32),
  }),
  AutoToppedUp: z.object({ leaseId: id, keeper: address, amount: uint(96), used: uint(96) }),
  LeaseClosed: z.object({
    leaseId: id,
    closedBy: address,
    reason: bytes32,
    providerAmount: uint(96),
    fee: uint(96),
    tenantRefund: uint(96),
  }),
  BondDeposited: z.object({ provider: address, amount: uint(256), total: uint(256) }),
  BondWithdrawalRequested: z.object({ provider: address, amount: uint(256), unbondAt: uint(40) }),
  BondWithdrawn: z.object({ provider: address, amount: uint(256) }),
  // leaseId: the lease (reasons "start", "sla") or the order (reason "forfeit"); the same id space.
  BondSlashed: z.object({ provider: address, leaseId: id, amount: uint(256), to: address, reason: bytes32 }),
  BidCommitted: z.object({ orderId: id, provider: address, bidder: address }),
  BidRevealed: z.object({
    orderId: id,
    provider: address,
    price: uint(96).refine((v) => v > 0n, "price must be > 0"),
  }),
  CommitForfeited: z.object({ orderId: id, provider: address, amount: uint(256) }),
  LeaseStartAttested: z.object({ leaseId: id, specHash: bytes32, startedAt: uint(40), endsAt: uint(40) }),
  LeaseUnstarted: z.object({ leaseId: id, refund: uint(256), slashed: uint(256) }),
  DowntimeRefunded: z.object({
    leaseId: id,
    downtimeSeconds: uint(32),
    fromEarnings: uint(256),
    fromBond: uint(256),
  }),
  ReputationAttested: z.object({
    provider: address,
    score: uint(8).refine((v) => v <= 100n, "score above 100"),
  }),
} as const;

type Schemas = typeof marketEventSchemas;
export type MarketEventName = keyof Schemas;
export type MarketEventArgs = {
  [K in MarketEventName]: { name: K; args: z.output<Schemas[K]> };
}[MarketEventName];

/** A validated market event with where it happened. */
export type MarketEvent = MarketEventArgs & {
  blockNumber: bigint;
  blockHash: Hex;
  logIndex: number;
  txHash: Hex;
};

export function isMarketEventName(name: string): name is MarketEventName {
  return Object.hasOwn(marketEventSchemas, name);
}

/** Validate (possibly stored) arguments of a named event; throws a ZodError when they are malformed. */
export function parseMarketEventArgs(name: MarketEventName, args: unknown): MarketEventArgs {
  return { name, args: marketEventSchemas[name].parse(args) } as MarketEventArgs;
}

// Events by topic0, so decoding a log hashes no signatures (viem would try every ABI event per log).
const eventsBySelector = new Map<string, AbiEvent[]>(
  computeMarketAbi.flatMap((item) => (item.type === "event" ? [[toEventSelector(item), [item]]] : [])),
);

export type DecodeResult = { event: MarketEvent } | { skipped: string } | { ignored: true };

/** Decode and validate one log of `market`. `ignored`: a market event the indexer has no use for. */
export function decodeMarketLog(log: Log, market: Address): DecodeResult {
  if (log.removed) return { skipped: "log marked removed" };
  if (log.address?.toLowerCase() !== market.toLowerCase()) return { skipped: `log of ${log.address}` };
  if (
    log.blockNumber === null ||
    log.blockHash === null ||
    log.logIndex === null ||
    log.transactionHash === null
  ) {
    return { skipped: "pending log" };
  }
  const abi = eventsBySelector.get(log.topics[0]?.toLowerCase() ?? "");
  if (!abi) return { skipped: `unknown event ${log.topics[0]}` };
  let decoded: { eventName?: string; args: unknown };
  try {
    decoded = decodeEventLog({ abi, data: log.data, topics: log.topics, strict: true });
  } catch (error) {
    return { skipped: `undecodable: ${(error as Error).message.split("\n")[0]}` };
  }
  const eventName = decoded.eventName ?? "";
  if (!isMarketEventName(eventName)) return { ignored: true };
  const parsed = marketEventSchemas[eventName].safeParse(decoded.args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { skipped: `invalid ${eventName}: ${issue?.path.join(".")} ${issue?.message}` };
  }
  return {
    event: {
      name: eventName,
      args: parsed.data,
      blockNumber: log.blockNumber,
      blockHash: log.blockHash.toLowerCase() as Hex,
      logIndex: log.logIndex,
      txHash: log.transactionHash.toLowerCase() as Hex,
    } as MarketEvent,
  };
}
