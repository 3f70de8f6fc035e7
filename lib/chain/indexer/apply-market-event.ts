// The indexer's one state transition: a market event applied to the chain-derived part of an order, its
// lease and a provider, in memory. Both the forward path (new blocks, starting from the rows in the
// database) and reorg recovery (replaying stored events from scratch) go through this function, so the two
// can never disagree. Entities are independent: an order/lease (same id) only reads its own state and a
// provider only its own, which is what makes per-entity replay after a reorg correct.
import type { Hex } from "viem";
import type {
  Bid,
  BondEvent,
  DowntimeRefund,
  Lease,
  LeaseDelegate,
  LeaseSpecRevision,
  Order,
  Payment,
  Provider,
  ReputationAttestation,
  SealedBid,
} from "@/db/schema";
import { fromBytes32Text } from "@/lib/chain/order-types";
import type { MarketEvent } from "./decode-market-log";

export type ChainOrder = Omit<Order, "createdAt" | "updatedAt">;
export type ChainLease = Pick<
  Lease,
  | "id"
  | "orderId"
  | "tenant"
  | "provider"
  | "pricePerHour"
  | "deposit"
  | "withdrawn"
  | "feeBps"
  | "startedAt"
  | "endsAt"
  | "closedAt"
  | "closeReason"
  | "status"
  | "specHash"
  | "specRevision"
  | "closedBy"
  | "settledAt"
  | "attestedAt"
  | "startDeadline"
  | "attestedSpecHash"
  | "downtimeSeconds"
  | "slaRefunded"
  | "unstartedRefund"
  | "unstartedSlash"
  | "createdBlock"
>;
export type ChainProvider = Pick<
  Provider,
  | "address"
  | "registered"
  | "operator"
  | "attributes"
  | "registeredAt"
  | "reputation"
  | "reputationAttestedAt"
>;
export type NewBid = Omit<Bid, "id">;
export type NewPayment = Omit<Payment, "id">;
export type NewBondEvent = Omit<BondEvent, "id">;
export type NewDowntimeRefund = Omit<DowntimeRefund, "id">;

/** Chain-derived state of the entities a batch touches; `null` = known not to exist. */
export interface MarketState {
  orders: Map<string, ChainOrder | null>;
  leases: Map<string, ChainLease | null>;
  providers: Map<string, ChainProvider>;
}

/** Per-event rows, collected on the forward path only: on replay they already exist. */
export interface EventRows {
  bids: NewBid[];
  payments: NewPayment[];
  specRevisions: LeaseSpecRevision[];
  delegates: LeaseDelegate[];
  bondEvents: NewBondEvent[];
  downtimeRefunds: NewDowntimeRefund[];
  reputationAttestations: ReputationAttestation[];
  sealedBids: SealedBid[];
}

export function emptyEventRows(): EventRows {
  return {
    bids: [],
    payments: [],
    specRevisions: [],
    delegates: [],
    bondEvents: [],
    downtimeRefunds: [],
    reputationAttestations: [],
    sealedBids: [],
  };
}

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

export function emptyProvider(address: string): ChainProvider {
  return {
    address,
    registered: false,
    operator: null,
    attributes: [],
    registeredAt: null,
    reputation: 0,
    reputationAttestedAt: null,
  };
}

/**
 * bytes32 text as a readable string: the UTF-8 text without its zero padding, or the 0x hex when the bytes
 * are not clean text (so `attributeId` can still be recomputed from what is shown).
 */
export function bytes32Label(value: Hex): string {
  try {
    const text = fromBytes32Text(value);
    // Printable text only; an interior NUL or control character would make the label ambiguous.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    if (text.length > 0 && !/[\u0000-\u001f\u007f\ufffd=]/.test(text)) return text;
  } catch {
    // not UTF-8
  }
  return value;
}

/**
 * A provider's attributes as `key=value` strings, in the order the contract stores them: `region=<r>` first
 * (when set), then `gpu=<model>` per GPU model, then the free-form pairs. Duplicates are dropped.
 */
export function providerAttributeLabels(args: {
  region: Hex;
  gpuModels: readonly Hex[];
  attributes: readonly { key: Hex; value: Hex }[];
}): string[] {
  const labels: string[] = [];
  if (BigInt(args.region) !== 0n) labels.push(`region=${bytes32Label(args.region)}`);
  for (const model of args.gpuModels) labels.push(`gpu=${bytes32Label(model)}`);
  for (const a of args.attributes) labels.push(`${bytes32Label(a.key)}=${bytes32Label(a.value)}`);
  return [...new Set(labels)];
}

/**
 * Apply one event at block time `at`. Returns why it was skipped when it does not fit the known state (e.g.
 * a bid on an unknown order), which an honest chain never produces; the caller logs it.
 */
export function applyMarketEvent(
  state: MarketState,
  event: MarketEvent,
  at: Date,
  rows?: EventRows,
): string | undefined {
  const where = { blockNumber: event.blockNumber, txHash: event.txHash, logIndex: event.logIndex, at };
  switch (event.name) {
    case "ProviderRegistered": {
      const a = event.args;
      // The on-chain reputation survives a re-registration (the contract keeps it with the provider).
      const p = state.providers.get(a.provider) ?? emptyProvider(a.provider);
      state.providers.set(a.provider, {
        ...p,
        registered: true,
        operator: a.operator === ZERO_ADDRESS ? null : a.operator,
        attributes: providerAttributeLabels(a),
        registeredAt: at,
      });
      return;
    }
    case "ProviderUpdated": {
      const a = event.args;
      const p = state.providers.get(a.provider) ?? emptyProvider(a.provider);
      state.providers.set(a.provider, { ...p, attributes: providerAttributeLabels(a) });
      return;
    }
    case "OperatorSet": {
      const a = event.args;
      const p = state.providers.get(a.provider) ?? emptyProvider(a.provider);
      state.providers.set(a.provider, { ...p, operator: a.operator === ZERO_ADDRESS ? null : a.operator });
      return;
    }
    case "ProviderDeregistered": {
      const a = event.args;
      const p = state.providers.get(a.provider) ?? emptyProvider(a.provider);
      // The contract clears the operator, and attributes stop counting (a re-registration bumps the epoch).
      state.providers.set(a.provider, { ...p, registered: false, operator: null, attributes: [] });
      return;
    }
    case "OrderCreated": {
      const { orderId, tenant, bidEnd, order } = event.args;
      const id = orderId.toString();
      if (state.orders.get(id)) return `order ${id} created twice`;
      state.orders.set(id, {
        id,
        tenant,
        specHash: order.specHash,
        resources: {
          cpuMillis: Number(order.cpuMillicores),
          memoryMiB: Number(order.memoryMiB),
          storageMiB: Number(order.storageMiB),
          gpuCount: Number(order.gpuCount),
          gpuModel: BigInt(order.gpuModel) === 0n ? null : bytes32Label(order.gpuModel),
        },
        requiredAttributes: order.requiredAttributes,
        maxPricePerHour: order.maxPricePerHour.toString(),
        durationSeconds: Number(order.duration),
        deposit: order.deposit.toString(),
        bidWindowEndsAt: new Date(Number(bidEnd) * 1000),
        status: "open",
        bestPrice: null,
        bestProvider: null,
        bidCount: 0,
        autoTopUpAmount: "0",
        autoTopUpCap: "0",
        autoTopUpMinRunwaySeconds: 0,
        autoTopUpUsed: "0",
        startDeadlineSeconds: Number(order.startDeadline),
        auctionFormat: order.auctionFormat === 1n ? "sealed" : "open",
        revealWindowSeconds: Number(order.revealWindow),
        minReputation: Number(order.minReputation),
        commitCount: 0,
        revealCount: 0,
        secondPrice: null,
        createdBlock: event.blockNumber,
        txHash: event.txHash,
      });
      rows?.payments.push({
        kind: "deposit",
        orderId: id,
        leaseId: null,
        account: tenant,
        amount: order.deposit.toString(),
        ...where,
      });
      return;
    }
    case "BidPlaced": {
      const { orderId, provider, pricePerHour } = event.args;
      const id = orderId.toString();
      const order = state.orders.get(id);
      if (!order) return `bid on unknown order ${id}`;
      state.orders.set(id, {
        ...order,
        bestPrice: pricePerHour.toString(),
        bestProvider: provider,
        bidCount: order.bidCount + 1,
      });
      rows?.bids.push({ orderId: id, provider, price: pricePerHour.toString(), ...where });
      return;
    }
    case "OrderCancelled":
    case "OrderExpired": {
      const { orderId, refund } = event.args;
      const id = orderId.toString();
      const order = state.orders.get(id);
      if (!order) return `${event.name} of unknown order ${id}`;
      state.orders.set(id, { ...order, status: event.name === "OrderCancelled" ? "cancelled" : "expired" });
      if (refund > 0n) {
        rows?.payments.push({
          kind: "refund",
          orderId: id,
          leaseId: null,
          account: order.tenant,
          amount: refund.toString(),
          ...where,
        });
      }
      return;
    }
    case "LeaseStarted": {
      const a = event.args;
      const id = a.leaseId.toString();
      const order = state.orders.get(id);
      if (!order) return `lease of unknown order ${id}`;
      state.orders.set(id, { ...order, status: "leased" });
      state.leases.set(id, {
        id,
        orderId: id,
        tenant: a.tenant,
        provider: a.provider,
        pricePerHour: a.pricePerHour.toString(),
        // The escrow is still the order's deposit: top-ups only exist once the lease does.
        deposit: order.deposit,
        withdrawn: "0",
        feeBps: Number(a.feeBps),
        startedAt: new Date(Number(a.startedAt) * 1000),
        endsAt: new Date(Number(a.endsAt) * 1000),
        closedAt: null,
        closeReason: null,
        status: "active",
        specHash: order.specHash,
        specRevision: 0,
        closedBy: null,
        settledAt: at,
        // Nothing accrues until the deployer attests the start, which it must do by this time.
        attestedAt: null,
        startDeadline: new Date(at.getTime() + order.startDeadlineSeconds * 1000),
        attestedSpecHash: null,
        downtimeSeconds: 0,
        slaRefunded: "0",
        unstartedRefund: null,
        unstartedSlash: null,
        createdBlock: event.blockNumber,
      });
      return;
    }
    case "LeaseStartAttested": {
      const { leaseId, specHash, startedAt, endsAt } = event.args;
      const id = leaseId.toString();
      const lease = state.leases.get(id);
      if (!lease) return `start attestation of unknown lease ${id}`;
      if (lease.attestedAt) return `lease ${id} attested twice`;
      state.leases.set(id, {
        ...lease,
        attestedAt: new Date(Number(startedAt) * 1000),
        startedAt: new Date(Number(startedAt) * 1000),
        endsAt: new Date(Number(endsAt) * 1000),
        attestedSpecHash: specHash,
      });
      return;
    }
    case "LeaseUnstarted": {
      const { leaseId, refund, slashed } = event.args;
      const id = leaseId.toString();
      const lease = state.leases.get(id);
      if (!lease) return `unstarted cancel of unknown lease ${id}`;
      state.leases.set(id, {
        ...lease,
        status: "closed",
        closedAt: at,
        closeReason: "unstarted",
        unstartedRefund: refund.toString(),
        unstartedSlash: slashed.toString(),
      });
      // The escrow back is paid by the LeaseClosed("unstarted", tenantRefund = escrow) the contract emits
      // in the same transaction (one "refund" payment there, not a second one here); the slash reaches the
      // tenant as its own BondSlashed (a "slash" payment).
      return;
    }
    case "DowntimeRefunded": {
      const { leaseId, downtimeSeconds, fromEarnings, fromBond } = event.args;
      const id = leaseId.toString();
      const lease = state.leases.get(id);
      if (!lease) return `downtime refund of unknown lease ${id}`;
      state.leases.set(id, {
        ...lease,
        downtimeSeconds: lease.downtimeSeconds + Number(downtimeSeconds),
        slaRefunded: (BigInt(lease.slaRefunded) + fromEarnings + fromBond).toString(),
      });
      rows?.downtimeRefunds.push({
        leaseId: id,
        provider: lease.provider,
        seconds: Number(downtimeSeconds),
        fromEarnings: fromEarnings.toString(),
        fromBond: fromBond.toString(),
        ...where,
      });
      // The bond part is paid by the BondSlashed ("sla") of the same transaction.
      if (fromEarnings > 0n) {
        rows?.payments.push({
          kind: "sla-refund",
          orderId: id,
          leaseId: id,
          account: lease.tenant,
          amount: fromEarnings.toString(),
          ...where,
        });
      }
      return;
    }
    case "BidCommitted": {
      const { orderId, provider, bidder } = event.args;
      const id = orderId.toString();
      const order = state.orders.get(id);
      if (!order) return `commit on unknown order ${id}`;
      state.orders.set(id, { ...order, commitCount: order.commitCount + 1 });
      rows?.sealedBids.push({
        orderId: id,
        provider,
        kind: "commit",
        bidder,
        price: null,
        amount: null,
        ...where,
      });
      return;
    }
    case "BidRevealed": {
      const { orderId, provider, price } = event.args;
      const id = orderId.toString();
      const order = state.orders.get(id);
      if (!order) return `reveal on unknown order ${id}`;
      // Lowest reveal is best (ties: the first), the second-lowest is what the winner is paid.
      const best = order.bestPrice === null ? null : BigInt(order.bestPrice);
      const second = order.secondPrice === null ? null : BigInt(order.secondPrice);
      const next = { ...order, revealCount: order.revealCount + 1, bidCount: order.bidCount + 1 };
      if (best === null || price < best) {
        next.bestPrice = price.toString();
        next.bestProvider = provider;
        next.secondPrice = best === null ? null : best.toString();
      } else if (second === null || price < second) {
        next.secondPrice = price.toString();
      }
      state.orders.set(id, next);
      rows?.sealedBids.push({
        orderId: id,
        provider,
        kind: "reveal",
        bidder: null,
        price: price.toString(),
        amount: null,
        ...where,
      });
      // A revealed sealed bid is a bid with a price: it is listed with the order's bids.
      rows?.bids.push({ orderId: id, provider, price: price.toString(), ...where });
      return;
    }
    case "CommitForfeited": {
      const { orderId, provider, amount } = event.args;
      const id = orderId.toString();
      if (!state.orders.get(id)) return `forfeit on unknown order ${id}`;
      rows?.sealedBids.push({
        orderId: id,
        provider,
        kind: "forfeit",
        bidder: null,
        price: null,
        amount: amount.toString(),
        ...where,
      });
      return;
    }
    case "BondDeposited":
    case "BondWithdrawalRequested":
    case "BondWithdrawn": {
      const a = event.args;
      const kind =
        event.name === "BondDeposited"
          ? "deposit"
          : event.name === "BondWithdrawn"
            ? "withdrawn"
            : "withdrawal-requested";
      rows?.bondEvents.push({
        kind,
        provider: a.provider,
        amount: a.amount.toString(),
        total: "total" in a ? a.total.toString() : null,
        unbondAt: "unbondAt" in a ? new Date(Number(a.unbondAt) * 1000) : null,
        orderId: null,
        recipient: null,
        reason: null,
        ...where,
      });
      return;
    }
    case "BondSlashed": {
      const { provider, leaseId, amount, to, reason } = event.args;
      const id = leaseId.toString();
      const label = BigInt(reason) === 0n ? null : bytes32Label(reason);
      rows?.bondEvents.push({
        kind: "slash",
        provider,
        amount: amount.toString(),
        total: null,
        unbondAt: null,
        orderId: id,
        recipient: to,
        reason: label,
        ...where,
      });
      if (amount > 0n) {
        rows?.payments.push({
          kind: "slash",
          orderId: id,
          // A forfeited commit is about the order; there may be no lease (or another provider's).
          leaseId: label === "forfeit" ? null : id,
          account: to,
          amount: amount.toString(),
          ...where,
        });
      }
      return;
    }
    case "ReputationAttested": {
      const { provider, score } = event.args;
      const p = state.providers.get(provider) ?? emptyProvider(provider);
      state.providers.set(provider, { ...p, reputation: Number(score), reputationAttestedAt: at });
      rows?.reputationAttestations.push({ provider, score: Number(score), ...where });
      return;
    }
    case "LeaseSpecUpdated": {
      const { leaseId, specHash, revision, signer } = event.args;
      const id = leaseId.toString();
      const lease = state.leases.get(id);
      if (!lease) return `spec update of unknown lease ${id}`;
      if (Number(revision) !== lease.specRevision + 1) {
        return `spec revision ${revision} of lease ${id} does not follow ${lease.specRevision}`;
      }
      state.leases.set(id, { ...lease, specHash, specRevision: Number(revision) });
      rows?.specRevisions.push({
        leaseId: id,
        revision: Number(revision),
        specHash,
        signer,
        blockNumber: where.blockNumber,
        txHash: where.txHash,
        logIndex: where.logIndex,
        at,
      });
      return;
    }
    case "DelegateSet": {
      const { tenant, delegate, leaseId, allowed } = event.args;
      rows?.delegates.push({ tenant, delegate, leaseId: leaseId.toString(), allowed, ...where });
      return;
    }
    case "AutoTopUpSet": {
      const { leaseId, amountPerTopUp, totalCap, minRunwaySeconds } = event.args;
      const id = leaseId.toString();
      const order = state.orders.get(id);
      if (!order) return `auto top-up rule of unknown order ${id}`;
      state.orders.set(id, {
        ...order,
        autoTopUpAmount: amountPerTopUp.toString(),
        autoTopUpCap: totalCap.toString(),
        autoTopUpMinRunwaySeconds: Number(minRunwaySeconds),
      });
      return;
    }
    case "AutoToppedUp": {
      // The escrow and the payment row come from the LeaseToppedUp that follows in the same transaction.
      const { leaseId, used } = event.args;
      const id = leaseId.toString();
      const order = state.orders.get(id);
      if (!order) return `auto top-up of unknown order ${id}`;
      state.orders.set(id, { ...order, autoTopUpUsed: used.toString() });
      return;
    }
    case "LeaseToppedUp": {
      const { leaseId, from, amount, escrow } = event.args;
      const id = leaseId.toString();
      const lease = state.leases.get(id);
      if (!lease) return `top-up of unknown lease ${id}`;
      state.leases.set(id, { ...lease, deposit: escrow.toString() });
      rows?.payments.push({
        kind: "topup",
        orderId: id,
        leaseId: id,
        account: from,
        amount: amount.toString(),
        ...where,
      });
      return;
    }
    case "Withdrawn": {
      const { leaseId, provider, amount, fee } = event.args;
      const id = leaseId.toString();
      const lease = state.leases.get(id);
      if (!lease) return `withdrawal from unknown lease ${id}`;
      state.leases.set(id, { ...lease, withdrawn: (BigInt(lease.withdrawn) + amount).toString() });
      pushPayout(rows, { id, provider, amount, fee, where });
      return;
    }
    case "LeaseClosed": {
      const { leaseId, closedBy, reason, providerAmount, fee, tenantRefund } = event.args;
      const id = leaseId.toString();
      const lease = state.leases.get(id);
      if (!lease) return `close of unknown lease ${id}`;
      state.leases.set(id, {
        ...lease,
        status: "closed",
        closedAt: at,
        closeReason: BigInt(reason) === 0n ? null : bytes32Label(reason),
        closedBy,
        withdrawn: (BigInt(lease.withdrawn) + providerAmount).toString(),
      });
      pushPayout(rows, { id, provider: lease.provider, amount: providerAmount, fee, where });
      if (tenantRefund > 0n) {
        rows?.payments.push({
          kind: "refund",
          orderId: id,
          leaseId: id,
          account: lease.tenant,
          amount: tenantRefund.toString(),
          ...where,
        });
      }
      return;
    }
  }
}

/**
 * A payout to the provider as two rows: `withdrawal` (net, what the provider received) and `fee` (kept for
 * the treasury; `account` is the provider whose payout bore it).
 */
function pushPayout(
  rows: EventRows | undefined,
  p: {
    id: string;
    provider: string;
    amount: bigint;
    fee: bigint;
    where: { blockNumber: bigint; txHash: string; logIndex: number; at: Date };
  },
) {
  if (!rows) return;
  const base = { orderId: p.id, leaseId: p.id, account: p.provider, ...p.where };
  if (p.amount - p.fee > 0n)
    rows.payments.push({ kind: "withdrawal", amount: (p.amount - p.fee).toString(), ...base });
  if (p.fee > 0n) rows.payments.push({ kind: "fee", amount: p.fee.toString(), ...base });
}

/** The order id and provider an event concerns (the keys chain_events is queried by on replay). */
export function eventKeys(event: MarketEvent): { orderId: string | null; provider: string | null } {
  const a = event.args as { orderId?: bigint; leaseId?: bigint; provider?: string };
  // A delegate grant is a per-event row, not part of an order's fold (and its leaseId may be 0: "all").
  const id = event.name === "DelegateSet" ? undefined : (a.orderId ?? a.leaseId);
  // Bond events carry a provider but change no fold (their rows and bond snapshots are per block).
  const providerEvent =
    event.name === "ProviderRegistered" ||
    event.name === "ProviderUpdated" ||
    event.name === "OperatorSet" ||
    event.name === "ProviderDeregistered" ||
    event.name === "ReputationAttested";
  return {
    orderId: id === undefined ? null : id.toString(),
    provider: providerEvent ? (a.provider ?? null) : null,
  };
}

/** Events after which a provider's bond may have changed (placeBid and settle emit no bond event). */
const BOND_EVENTS = new Set<string>([
  "BondDeposited",
  "BondWithdrawalRequested",
  "BondWithdrawn",
  "BondSlashed",
  "BidPlaced",
  "BidCommitted",
  "BidRevealed",
  "CommitForfeited",
  "OrderCancelled",
  "OrderExpired",
  "LeaseStarted",
  "Withdrawn",
  "LeaseClosed",
  "LeaseUnstarted",
  "DowntimeRefunded",
]);

/**
 * The providers whose bond `event` may change, as far as `state` shows: the provider it names, and the
 * order's best bidder and lease provider (a new best releases the outbid one's lock; a close releases the
 * lease's). Called before and after applying the event, so an outbid provider is caught too.
 */
export function bondTouches(state: MarketState, event: MarketEvent): string[] {
  if (!BOND_EVENTS.has(event.name)) return [];
  const a = event.args as { orderId?: bigint; leaseId?: bigint; provider?: string };
  const out: string[] = [];
  if (a.provider) out.push(a.provider);
  const id = (a.orderId ?? a.leaseId)?.toString();
  if (id) {
    const best = state.orders.get(id)?.bestProvider;
    if (best) out.push(best);
    const lease = state.leases.get(id);
    if (lease) out.push(lease.provider);
  }
  return out;
}
