import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { ClusterExposure, StorageClassOffer } from "../lib/k8s/cluster-exposure";
import type { DeployerTxPayload } from "../lib/lease/deployer-tx-payload";
import type { PostMortem } from "../lib/lease/post-mortem-types";
import type { LeaseStatusView } from "../lib/lease/types";
import type { InventoryNode } from "../lib/market/fit-order";

// The market's off-chain state. Chain-derived rows (providers' on-chain part, orders, bids, leases,
// payments) are written only by the indexer, idempotently, keyed by on-chain ids or (tx, log index).
// Token amounts and prices are numeric(78,0) strings in the token's smallest unit (6 decimals).
// Addresses are stored lower-case.

const amount = (name: string) => numeric(name, { precision: 78, scale: 0 });
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

/** A provider: its off-chain profile and pricing, plus what the indexer saw on-chain. */
export const providers = pgTable("providers", {
  address: text("address").primaryKey(),
  name: text("name"),
  website: text("website"),
  contact: text("contact"),
  region: text("region"),
  /** Pricing in token units per hour: { cpuCoreHour, memoryGibHour, storageGibHour, gpuHour: {model: price} }. */
  pricing: jsonb("pricing").$type<ProviderPricing>(),
  bidStrategy: text("bid_strategy").$type<"floor" | "undercut">().notNull().default("floor"),
  /** Undercut step, token units per hour. */
  undercutStep: amount("undercut_step").notNull().default("1000"),
  autoBid: boolean("auto_bid").notNull().default(false),
  // On-chain part (indexer).
  registered: boolean("registered").notNull().default(false),
  operator: text("operator"),
  attributes: jsonb("attributes").$type<string[]>().notNull().default([]),
  registeredAt: timestamp("registered_at", { withTimezone: true }),
  /** The reputation score (0..100) the deployer last attested on-chain (ReputationAttested); 0 before any. */
  reputation: integer("reputation").notNull().default(0),
  reputationAttestedAt: timestamp("reputation_attested_at", { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export interface ProviderPricing {
  cpuCoreHour: string;
  memoryGibHour: string;
  storageGibHour: string;
  gpuHour: Record<string, string>;
}

/** The onboarding wizard's saved draft, so a provider can resume where it stopped. */
export const providerDrafts = pgTable("provider_drafts", {
  address: text("address").primaryKey(),
  step: integer("step").notNull().default(1),
  data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
  updatedAt: updatedAt(),
});

export const clusters = pgTable(
  "clusters",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    providerAddress: text("provider_address").notNull(),
    name: text("name").notNull(),
    /** AES-256-GCM ciphertext of the validated kubeconfig (never returned by any route). */
    kubeconfigEnc: text("kubeconfig_enc").notNull(),
    server: text("server").notNull(),
    /**
     * What the cluster is, whatever its URL's spelling: the API server's address resolved at onboarding
     * ("ip:port", "[ipv6]:port") and the SHA-256 fingerprints of its CA certificates (sorted, comma
     * separated; "system" when it relies on public CAs). Null only for rows from before these columns,
     * filled in the next time a kubeconfig is taken in (lib/provider/resolve-cluster-identity.ts).
     */
    apiAddress: text("api_address"),
    caFingerprint: text("ca_fingerprint"),
    status: text("status").$type<"unknown" | "up" | "down">().notNull().default("unknown"),
    lastError: text("last_error"),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
    version: text("version"),
    metricsApi: boolean("metrics_api").notNull().default(false),
    region: text("region"),
    /** Share of the discovered capacity offered to the market, in percent. */
    offerPercent: integer("offer_percent").notNull().default(100),
    /** The last probe found KubeBid's credentials hold no more than they need (every "excess" check passed). */
    leastPrivilege: boolean("least_privilege").notNull().default(false),
    /** The provider accepted the risk of over-privileged credentials at onboarding. */
    riskAccepted: boolean("risk_accepted").notNull().default(false),
    /** NetworkPolicy enforcement as the probe found it (a known enforcing CNI in kube-system). */
    networkPolicy: text("network_policy")
      .$type<"enforced" | "not-verified">()
      .notNull()
      .default("not-verified"),
    cni: text("cni"),
    /** NodeLocal DNSCache's address (lease egress allows DNS to it). */
    nodeLocalDns: text("node_local_dns"),
    /** How lease ports are reached (IngressClass, base domain, TLS, NodePorts); null: nothing declared. */
    exposure: jsonb("exposure").$type<ClusterExposure>(),
    /** StorageClasses offered for persistent volumes, each priced per GiB-hour. */
    storageClasses: jsonb("storage_classes").$type<StorageClassOffer[]>().notNull().default([]),
    /** The probe found user namespaces usable (pods run with hostUsers: false). */
    userNamespaces: boolean("user_namespaces").notNull().default(false),
    /** The probe found a DCGM exporter: GPU utilisation is exposed (a possible scaling signal). */
    gpuMetrics: boolean("gpu_metrics").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("clusters_provider_idx").on(t.providerAddress),
    uniqueIndex("clusters_identity_idx").on(t.apiAddress, t.caFingerprint),
  ],
);

/** A node of an inventory snapshot; its zod schema (older snapshots lack taints and ephemeral storage) is in lib/market/fit-order.ts. */
export type { InventoryNode };

export interface InventoryTotals {
  cpuMillis: number;
  memoryBytes: number;
  gpus: Record<string, number>;
}

/** One reading of a cluster's capacity; the latest per cluster serves the market page. */
export const inventorySnapshots = pgTable(
  "inventory_snapshots",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    clusterId: uuid("cluster_id")
      .notNull()
      .references(() => clusters.id, { onDelete: "cascade" }),
    takenAt: timestamp("taken_at", { withTimezone: true }).notNull().defaultNow(),
    region: text("region"),
    allocatable: jsonb("allocatable").$type<InventoryTotals>().notNull(),
    free: jsonb("free").$type<InventoryTotals>().notNull(),
    nodes: jsonb("nodes").$type<InventoryNode[]>().notNull(),
  },
  (t) => [index("inventory_cluster_taken_idx").on(t.clusterId, t.takenAt)],
);

/**
 * Per cluster and UTC day, how many inventory refreshes reached it and how many failed (lib/k8s/inventory-loop.ts):
 * the clusters' uptime that reputation is built from. Kept indefinitely (a row per cluster per day).
 */
export const clusterUptime = pgTable(
  "cluster_uptime",
  {
    clusterId: uuid("cluster_id")
      .notNull()
      .references(() => clusters.id, { onDelete: "cascade" }),
    /** UTC day, YYYY-MM-DD. */
    day: text("day").notNull(),
    upChecks: integer("up_checks").notNull().default(0),
    downChecks: integer("down_checks").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.clusterId, t.day] })],
);

/**
 * A provider's bond as `getBond` returned it at the end of an indexed block range in which an event touched
 * it (bond events, bids, commits, reveals, settlement, close, slashes: placeBid emits no bond event, so the
 * bond is read, not folded). One row per (provider, block): a reorg deletes the rows from the fork up and the
 * latest surviving row is the bond at the common ancestor. free = total - locked - unbonding (>= 0).
 */
export const providerBondSnapshots = pgTable(
  "provider_bond_snapshots",
  {
    provider: text("provider").notNull(),
    blockNumber: bigint("block_number", { mode: "bigint" }).notNull(),
    total: amount("total").notNull(),
    locked: amount("locked").notNull(),
    unbonding: amount("unbonding").notNull(),
    /** When the unbonding amount may be withdrawn; null when nothing is unbonding. */
    unbondAt: timestamp("unbond_at", { withTimezone: true }),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.blockNumber] })],
);

/** Every bond movement event: BondDeposited, BondWithdrawalRequested, BondWithdrawn, BondSlashed. */
export const bondEvents = pgTable(
  "bond_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text("kind").$type<"deposit" | "withdrawal-requested" | "withdrawn" | "slash">().notNull(),
    provider: text("provider").notNull(),
    amount: amount("amount").notNull(),
    /** deposit: the bond's total after it. */
    total: amount("total"),
    /** withdrawal-requested: when the unbonding amount becomes withdrawable. */
    unbondAt: timestamp("unbond_at", { withTimezone: true }),
    /** slash: the lease/order it was for, who received it and why ("start", "sla", "forfeit"). */
    orderId: numeric("order_id", { precision: 78, scale: 0 }),
    recipient: text("recipient"),
    reason: text("reason"),
    blockNumber: bigint("block_number", { mode: "bigint" }).notNull(),
    txHash: text("tx_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("bond_events_log_uq").on(t.txHash, t.logIndex),
    index("bond_events_provider_idx").on(t.provider, t.blockNumber),
  ],
);

/** Every attested downtime refund (DowntimeRefunded): seconds refunded, out of earnings and out of the bond. */
export const downtimeRefunds = pgTable(
  "downtime_refunds",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    leaseId: numeric("lease_id", { precision: 78, scale: 0 }).notNull(),
    provider: text("provider").notNull(),
    seconds: integer("seconds").notNull(),
    fromEarnings: amount("from_earnings").notNull(),
    fromBond: amount("from_bond").notNull(),
    blockNumber: bigint("block_number", { mode: "bigint" }).notNull(),
    txHash: text("tx_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("downtime_refunds_log_uq").on(t.txHash, t.logIndex),
    index("downtime_refunds_lease_idx").on(t.leaseId),
    index("downtime_refunds_provider_idx").on(t.provider),
  ],
);

/** Every reputation score the deployer attested on-chain (ReputationAttested). */
export const reputationAttestations = pgTable(
  "reputation_attestations",
  {
    provider: text("provider").notNull(),
    score: integer("score").notNull(),
    blockNumber: bigint("block_number", { mode: "bigint" }).notNull(),
    txHash: text("tx_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.blockNumber, t.logIndex] }),
    index("reputation_attestations_provider_idx").on(t.provider),
  ],
);

/**
 * Sealed-bid auction events, one row each: a commitment (BidCommitted: `bidder` sent it), a reveal
 * (BidRevealed: `price`) or a forfeited unrevealed commitment (CommitForfeited: `amount` to the tenant).
 */
export const sealedBids = pgTable(
  "sealed_bids",
  {
    orderId: numeric("order_id", { precision: 78, scale: 0 }).notNull(),
    provider: text("provider").notNull(),
    kind: text("kind").$type<"commit" | "reveal" | "forfeit">().notNull(),
    bidder: text("bidder"),
    price: amount("price"),
    amount: amount("amount"),
    blockNumber: bigint("block_number", { mode: "bigint" }).notNull(),
    txHash: text("tx_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.blockNumber, t.logIndex] }),
    index("sealed_bids_order_idx").on(t.orderId, t.provider),
  ],
);

/**
 * The bid engine's own sealed bids: the price and random salt behind each commitment, stored BEFORE the
 * commit transaction is sent, so a restart can still reveal it (losing the salt forfeits bond). Never
 * returned by any route. `commitTxHash`/`revealTxHash` are set once mined.
 */
export const bidSecrets = pgTable(
  "bid_secrets",
  {
    orderId: numeric("order_id", { precision: 78, scale: 0 }).notNull(),
    provider: text("provider").notNull(),
    price: amount("price").notNull(),
    /** 32 random bytes, 0x hex. */
    salt: text("salt").notNull(),
    commitment: text("commitment").notNull(),
    clusterId: uuid("cluster_id"),
    commitTxHash: text("commit_tx_hash"),
    /** When the commitment was seen on chain (its receipt, or getCommit after a crash); null: not confirmed. */
    committedAt: timestamp("committed_at", { withTimezone: true }),
    revealTxHash: text("reveal_tx_hash"),
    revealedAt: timestamp("revealed_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.provider] })],
);

/** Manifests by spec hash; stored only alongside a valid tenant signature over an order carrying the hash. */
export const manifests = pgTable("manifests", {
  specHash: text("spec_hash").primaryKey(),
  tenant: text("tenant").notNull(),
  body: jsonb("body").notNull(),
  signature: text("signature").notNull(),
  /** The signed EIP-712 order message (bigints as strings). */
  order: jsonb("order").$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
});

/**
 * A manifest's secret values, AES-256-GCM encrypted (lib/market/secret-values.ts), one row per secret.
 * Written with the manifest once their digests match it; read only by the lease controller.
 */
export const manifestSecrets = pgTable(
  "manifest_secrets",
  {
    specHash: text("spec_hash").notNull(),
    name: text("name").notNull(),
    valueEnc: text("value_enc").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.specHash, t.name] })],
);

export const orders = pgTable(
  "orders",
  {
    id: numeric("id", { precision: 78, scale: 0 }).primaryKey(),
    tenant: text("tenant").notNull(),
    specHash: text("spec_hash").notNull(),
    /** { cpuMillis, memoryMiB, storageMiB, gpuCount, gpuModel } */
    resources: jsonb("resources").$type<Record<string, unknown>>().notNull(),
    requiredAttributes: jsonb("required_attributes").$type<string[]>().notNull().default([]),
    maxPricePerHour: amount("max_price_per_hour").notNull(),
    durationSeconds: bigint("duration_seconds", { mode: "number" }).notNull(),
    deposit: amount("deposit").notNull(),
    bidWindowEndsAt: timestamp("bid_window_ends_at", { withTimezone: true }).notNull(),
    status: text("status").$type<"open" | "leased" | "cancelled" | "expired">().notNull().default("open"),
    bestPrice: amount("best_price"),
    bestProvider: text("best_provider"),
    bidCount: integer("bid_count").notNull().default(0),
    /**
     * The tenant's auto top-up rule for this order's lease (AutoTopUpSet; all zero: none) and the running sum
     * of its auto top-ups (AutoToppedUp.used), which keeps counting against a new cap.
     */
    autoTopUpAmount: amount("auto_top_up_amount").notNull().default("0"),
    autoTopUpCap: amount("auto_top_up_cap").notNull().default("0"),
    autoTopUpMinRunwaySeconds: integer("auto_top_up_min_runway_seconds").notNull().default(0),
    autoTopUpUsed: amount("auto_top_up_used").notNull().default("0"),
    /** Seconds after settlement within which the deployer must attest the lease's start (Order.startDeadline). */
    startDeadlineSeconds: integer("start_deadline_seconds").notNull().default(600),
    /** open: descending open auction (placeBid); sealed: sealed-bid second-price (commit, then reveal). */
    auctionFormat: text("auction_format").$type<"open" | "sealed">().notNull().default("open"),
    /** Sealed: seconds after the bid window for reveals (0 for open auctions). */
    revealWindowSeconds: integer("reveal_window_seconds").notNull().default(0),
    /** The lowest on-chain reputation score (0..100) a bidder must hold. */
    minReputation: integer("min_reputation").notNull().default(0),
    /**
     * Sealed auctions: commits and reveals seen, and the second-lowest reveal (what the winner is paid;
     * null while fewer than two reveals). bestPrice/bestProvider hold the lowest reveal.
     */
    commitCount: integer("commit_count").notNull().default(0),
    revealCount: integer("reveal_count").notNull().default(0),
    secondPrice: amount("second_price"),
    createdBlock: bigint("created_block", { mode: "bigint" }).notNull(),
    txHash: text("tx_hash").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("orders_tenant_idx").on(t.tenant), index("orders_status_idx").on(t.status)],
);

export const bids = pgTable(
  "bids",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: numeric("order_id", { precision: 78, scale: 0 }).notNull(),
    provider: text("provider").notNull(),
    price: amount("price").notNull(),
    blockNumber: bigint("block_number", { mode: "bigint" }).notNull(),
    txHash: text("tx_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("bids_log_uq").on(t.txHash, t.logIndex), index("bids_order_idx").on(t.orderId)],
);

export const leases = pgTable(
  "leases",
  {
    id: numeric("id", { precision: 78, scale: 0 }).primaryKey(),
    orderId: numeric("order_id", { precision: 78, scale: 0 }).notNull(),
    tenant: text("tenant").notNull(),
    provider: text("provider").notNull(),
    pricePerHour: amount("price_per_hour").notNull(),
    /** Current escrow: the order's deposit plus top-ups (= getLease().escrow). */
    deposit: amount("deposit").notNull(),
    /** Gross paid out to the provider, fees included: Withdrawn amounts plus the payout at close (= paidOut). */
    withdrawn: amount("withdrawn").notNull().default("0"),
    /** Protocol fee snapshotted into the lease at settlement, basis points of provider payouts. */
    feeBps: integer("fee_bps").notNull().default(0),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    closeReason: text("close_reason"),
    /** Who sent the close (LeaseClosed.closedBy): tells a provider ending a lease early from a normal end. */
    closedBy: text("closed_by"),
    /** Block time of settlement (LeaseStarted): the start deadline and time-to-Running count from it. */
    settledAt: timestamp("settled_at", { withTimezone: true }),
    status: text("status").$type<"active" | "closed">().notNull().default("active"),
    /**
     * The manifest hash the lease runs now: the order's until a LeaseSpecUpdated, then the latest one's. The
     * indexer always sets it; null only in rows written by hand (test fixtures), meaning the order's.
     */
    specHash: text("spec_hash"),
    /** Number of spec updates so far (0: the order's manifest); = ComputeMarket.getLeaseSpec().revision. */
    specRevision: integer("spec_revision").notNull().default(0),
    /**
     * Attested start (LeaseStartAttested): payment accrues only from `attestedAt`; `startDeadline` is the
     * absolute time by which the deployer had to attest (settlement + the order's startDeadline), after
     * which anyone may cancelUnstarted. `attestedSpecHash` is the manifest hash the deployer saw Running.
     */
    attestedAt: timestamp("attested_at", { withTimezone: true }),
    startDeadline: timestamp("start_deadline", { withTimezone: true }),
    attestedSpecHash: text("attested_spec_hash"),
    /** Attested downtime so far (DowntimeRefunded seconds) and what it refunded the tenant in all. */
    downtimeSeconds: bigint("downtime_seconds", { mode: "number" }).notNull().default(0),
    slaRefunded: amount("sla_refunded").notNull().default("0"),
    /** Set when the lease was cancelled unstarted (LeaseUnstarted): escrow returned and bond slashed to the tenant. */
    unstartedRefund: amount("unstarted_refund"),
    unstartedSlash: amount("unstarted_slash"),
    /** The lease controller's view of the workload. */
    clusterId: uuid("cluster_id"),
    deployState: text("deploy_state")
      .$type<"pending" | "deploying" | "running" | "failed" | "torn_down">()
      .notNull()
      .default("pending"),
    deployError: text("deploy_error"),
    namespace: text("namespace"),
    createdBlock: bigint("created_block", { mode: "bigint" }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("leases_tenant_idx").on(t.tenant), index("leases_provider_idx").on(t.provider)],
);

/** Every token movement of a lease or order: deposit, top-up, withdrawal, fee, refund. */
export const payments = pgTable(
  "payments",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /**
     * sla-refund: a downtime refund paid out of the provider's earnings (escrow money); slash: bond money paid
     * to `account` (start deadline missed, SLA shortfall, unrevealed commit).
     */
    kind: text("kind")
      .$type<"deposit" | "topup" | "withdrawal" | "fee" | "refund" | "sla-refund" | "slash">()
      .notNull(),
    orderId: numeric("order_id", { precision: 78, scale: 0 }),
    leaseId: numeric("lease_id", { precision: 78, scale: 0 }),
    account: text("account").notNull(),
    amount: amount("amount").notNull(),
    blockNumber: bigint("block_number", { mode: "bigint" }).notNull(),
    txHash: text("tx_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("payments_log_uq").on(t.txHash, t.logIndex, t.kind),
    index("payments_lease_idx").on(t.leaseId),
  ],
);

/** Every spec update of a lease (LeaseSpecUpdated), signed by its tenant or a delegate; a rollback is a new row. */
export const leaseSpecRevisions = pgTable(
  "lease_spec_revisions",
  {
    leaseId: numeric("lease_id", { precision: 78, scale: 0 }).notNull(),
    revision: integer("revision").notNull(),
    specHash: text("spec_hash").notNull(),
    /** The tenant or the deploy key that authorised the update. */
    signer: text("signer").notNull(),
    blockNumber: bigint("block_number", { mode: "bigint" }).notNull(),
    txHash: text("tx_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.leaseId, t.revision] }),
    uniqueIndex("lease_spec_revisions_log_uq").on(t.txHash, t.logIndex),
  ],
);

/**
 * Every grant and revocation of a deploy key (DelegateSet), in chain order. `leaseId` 0: all of the tenant's
 * leases. The grants in force are the latest row per (tenant, delegate, leaseId) with `allowed`.
 */
export const leaseDelegates = pgTable(
  "lease_delegates",
  {
    tenant: text("tenant").notNull(),
    delegate: text("delegate").notNull(),
    leaseId: numeric("lease_id", { precision: 78, scale: 0 }).notNull(),
    allowed: boolean("allowed").notNull(),
    blockNumber: bigint("block_number", { mode: "bigint" }).notNull(),
    txHash: text("tx_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.blockNumber, t.logIndex] }),
    index("lease_delegates_tenant_idx").on(t.tenant),
    index("lease_delegates_delegate_idx").on(t.delegate),
  ],
);

/** Pod usage samples, kept for the lease page's history charts. */

/**
 * Usage samples, kept for the lease page's history charts: one row per pod and poll with `container`
 * '' (the pod's total), and one per container of the pod (its name). A pod's maximum is not the sum
 * of its containers' maxima, hence the pod's own rows.
 */
export const metricSamples = pgTable(
  "metric_samples",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    leaseId: numeric("lease_id", { precision: 78, scale: 0 }).notNull(),
    pod: text("pod").notNull(),
    container: text("container").notNull().default(""),
    takenAt: timestamp("taken_at", { withTimezone: true }).notNull(),
    cpuMillis: integer("cpu_millis").notNull(),
    memoryBytes: bigint("memory_bytes", { mode: "number" }).notNull(),
  },
  (t) => [
    index("metric_samples_lease_idx").on(t.leaseId, t.takenAt),
    // The downsampling job reads and prunes by time across all leases.
    index("metric_samples_taken_idx").on(t.takenAt),
  ],
);

/**
 * Pod usage downsampled into buckets (lib/lease/downsample-metrics.ts): 1-minute buckets kept 7 days,
 * 15-minute buckets for the lease's whole life. Sums and counts, not averages, so buckets merge
 * exactly (a 15-minute bucket is built from its minute buckets; a chart bins them further).
 */
export const metricRollups = pgTable(
  "metric_rollups",
  {
    leaseId: numeric("lease_id", { precision: 78, scale: 0 }).notNull(),
    pod: text("pod").notNull(),
    /** '' for the pod's total, else the container's name (as in metric_samples). */
    container: text("container").notNull().default(""),
    /** Bucket width in seconds: 60 or 900. */
    resolutionS: integer("resolution_s").notNull(),
    bucketStart: timestamp("bucket_start", { withTimezone: true }).notNull(),
    samples: integer("samples").notNull(),
    cpuSum: bigint("cpu_sum", { mode: "number" }).notNull(),
    cpuMax: integer("cpu_max").notNull(),
    memorySum: bigint("memory_sum", { mode: "number" }).notNull(),
    memoryMax: bigint("memory_max", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.leaseId, t.resolutionS, t.bucketStart, t.pod, t.container] }),
    index("metric_rollups_time_idx").on(t.resolutionS, t.bucketStart),
  ],
);

/** How far each rollup resolution is complete: buckets before `doneUntil` are final. */
export const metricRollupCursors = pgTable("metric_rollup_cursors", {
  resolutionS: integer("resolution_s").primaryKey(),
  doneUntil: timestamp("done_until", { withTimezone: true }).notNull(),
});

/** What the bid engine saw and did for each (order, provider), with a human-readable reason. */
export const bidDecisions = pgTable(
  "bid_decisions",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: numeric("order_id", { precision: 78, scale: 0 }).notNull(),
    provider: text("provider").notNull(),
    action: text("action").$type<"bid" | "undercut" | "commit" | "reveal" | "skip" | "error">().notNull(),
    price: amount("price"),
    reason: text("reason").notNull(),
    txHash: text("tx_hash"),
    /** The cluster the bid was sized for: where the lease controller deploys if this bid wins. */
    clusterId: uuid("cluster_id"),
    createdAt: createdAt(),
  },
  (t) => [index("bid_decisions_provider_idx").on(t.provider, t.createdAt)],
);

/**
 * A bid claimed before it is sent, one per (order, provider, price): whichever process inserts the row
 * sends the bid, any other finds it taken. Two app processes that both believe they run the bid engine
 * (a lost lock not noticed yet) thus never send the same bid twice. txHash is set once it is mined.
 */
export const bidClaims = pgTable(
  "bid_claims",
  {
    orderId: numeric("order_id", { precision: 78, scale: 0 }).notNull(),
    provider: text("provider").notNull(),
    price: amount("price").notNull(),
    claimedAt: timestamp("claimed_at", { withTimezone: true }).notNull().defaultNow(),
    txHash: text("tx_hash"),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.provider, t.price] })],
);

/**
 * A lease's deploy claimed before its workload is applied, one per (lease, spec hash): the same
 * guarantee as bid_claims for the lease controller. appliedAt is set once the apply went through.
 */
export const leaseDeploys = pgTable(
  "lease_deploys",
  {
    leaseId: numeric("lease_id", { precision: 78, scale: 0 }).notNull(),
    specHash: text("spec_hash").notNull(),
    clusterId: uuid("cluster_id").notNull(),
    claimedAt: timestamp("claimed_at", { withTimezone: true }).notNull().defaultNow(),
    appliedAt: timestamp("applied_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.leaseId, t.specHash] })],
);

/**
 * The latest pods, events and endpoints of a lease as the lease controller read them from its cluster,
 * so that every app process can serve the live lease page, not only the one polling the cluster.
 */
export const leaseStatus = pgTable("lease_status", {
  leaseId: numeric("lease_id", { precision: 78, scale: 0 }).primaryKey(),
  status: jsonb("status").$type<LeaseStatusView>().notNull(),
  observedAt: timestamp("observed_at", { withTimezone: true }).notNull(),
});

/**
 * What a lease's workload left when it closed (lib/lease/capture-post-mortem.ts), captured before its
 * namespace was deleted: final pod states, events, the last log lines of each container (and of its
 * previous instance). Validated and bounded (post-mortem-types.ts): it came from the provider's cluster.
 */
export const leasePostMortems = pgTable("lease_post_mortems", {
  leaseId: numeric("lease_id", { precision: 78, scale: 0 }).primaryKey(),
  /** false: the cluster did not answer at close; the record holds what the status store last saw. */
  reachable: boolean("reachable").notNull(),
  body: jsonb("body").$type<PostMortem>().notNull(),
  capturedAt: timestamp("captured_at", { withTimezone: true }).notNull(),
});

/**
 * What the keeper (lib/lease/run-keeper.ts) did: one row per (kind, order/lease id), inserted before the
 * transaction is sent, so that two app processes never send the same settle or close (the row is the
 * claim, as bid_claims is for bids). A failed attempt keeps its error and is retried later; the order
 * page reads the row to say the keeper settled it, and when.
 */
export const keeperActions = pgTable(
  "keeper_actions",
  {
    kind: text("kind")
      .$type<"settle" | "close" | "top-up" | "cancel-unstarted" | "forfeit-commit">()
      .notNull(),
    /** The order id (settle) or lease id (close, top-up); a lease's id is its order's. */
    targetId: numeric("target_id", { precision: 78, scale: 0 }).notNull(),
    /**
     * Which occurrence of the action: 0 for settle and close (once per order/lease); for an auto top-up,
     * the lease's on-chain `autoTopUpUsed` before it (base units), which only a top-up raises, so each
     * low-runway episode is claimed once and the next one gets a fresh key; for forfeit-commit, the
     * unrevealed provider's address as an integer (one forfeit per order and provider).
     */
    episode: numeric("episode", { precision: 78, scale: 0 }).notNull().default("0"),
    /** pending: claimed, transaction not confirmed yet; done: mined; failed: reverted or not sent; skipped: someone else did it first (a top-up: no longer due when sent). */
    result: text("result").$type<"pending" | "done" | "failed" | "skipped">().notNull(),
    /** What the transaction did ("lease started", "expired without a bid: deposit refunded", …) or why it failed. */
    detail: text("detail"),
    txHash: text("tx_hash"),
    attempts: integer("attempts").notNull().default(1),
    createdAt: createdAt(),
    /** When the row last changed: the claim's age while pending, the time of the outcome after. */
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.targetId, t.episode] })],
);

/**
 * Intervals in which a started lease's workload was down, measured by the lease controller
 * (lib/lease/record-lease-health.ts): fewer ready pods than desired in some service, or its cluster not
 * answering. At most one open interval (endedAt null) per lease; a change of cause closes it and opens
 * the next one at the same instant. Recorded from the lease's attested start until its close; what
 * of it the deployer has refunded on chain is in lease_sla.
 */
export const leaseDowntime = pgTable(
  "lease_downtime",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    leaseId: numeric("lease_id", { precision: 78, scale: 0 }).notNull(),
    cause: text("cause").$type<"pods-not-ready" | "cluster-unreachable">().notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
  },
  (t) => [
    index("lease_downtime_lease_idx").on(t.leaseId, t.startedAt),
    uniqueIndex("lease_downtime_open_idx").on(t.leaseId).where(sql`${t.endedAt} is null`),
  ],
);

/**
 * A lease's SLA state on chain as the deployer loop (lib/lease/run-deployer.ts) last saw it: when its
 * start was attested (LeaseStartAttested's startedAt: downtime counts from then) with which manifest
 * hash, and how many downtime seconds the chain has refunded (getLease().downtimeSeconds).
 */
export const leaseSla = pgTable("lease_sla", {
  leaseId: numeric("lease_id", { precision: 78, scale: 0 }).primaryKey(),
  attestedAt: timestamp("attested_at", { withTimezone: true }),
  specHash: text("spec_hash"),
  /** Downtime seconds attested (refunded) on chain so far. */
  attestedDowntimeSeconds: integer("attested_downtime_seconds").notNull().default(0),
  updatedAt: updatedAt(),
});

/**
 * Every transaction of the deployer key, recorded with its nonce BEFORE it is sent: a crashed or
 * duplicated sender re-sends under the same nonce, so at most one of them is ever mined and no
 * downtime is refunded twice. pending until the nonce is used on chain; then mined (receipt success),
 * reverted, or replaced (the nonce went to another transaction).
 */
export const deployerTxs = pgTable(
  "deployer_txs",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    sender: text("sender").notNull(),
    nonce: integer("nonce").notNull(),
    kind: text("kind").$type<"attest-start" | "attest-downtime" | "attest-reputation">().notNull(),
    /** The call's arguments (lease ids, seconds, spec hash, providers, scores) as JSON strings/numbers. */
    payload: jsonb("payload").$type<DeployerTxPayload>().notNull(),
    state: text("state").$type<"pending" | "mined" | "reverted" | "replaced">().notNull(),
    txHash: text("tx_hash"),
    detail: text("detail"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("deployer_txs_pending_nonce_idx").on(t.sender, t.nonce).where(sql`${t.state} = 'pending'`),
  ],
);

/**
 * A tenant's own domain for one HTTP service of its lease (lib/lease/domains/). Served only once its
 * CNAME names the service's generated host (`<service>-<lease>.<baseDomain>`): then an Ingress
 * `kb-domain-<id>` routes it in the lease namespace. Re-checked by a background loop; a domain whose
 * CNAME goes away is failed and its Ingress removed.
 */
export const leaseDomains = pgTable(
  "lease_domains",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    leaseId: numeric("lease_id", { precision: 78, scale: 0 }).notNull(),
    service: text("service").notNull(),
    /** Lower-case, no trailing dot. One lease at a time may claim a domain. */
    domain: text("domain").notNull(),
    status: text("status").$type<"pending" | "verified" | "failed">().notNull().default("pending"),
    /** Why it is pending or failed (what the CNAME check found), or an error applying its Ingress. */
    detail: text("detail"),
    checkedAt: timestamp("checked_at", { withTimezone: true }),
    /** When its Ingress was last applied to the cluster (null: not served yet). */
    appliedAt: timestamp("applied_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("lease_domains_domain_uq").on(t.domain),
    index("lease_domains_lease_idx").on(t.leaseId),
  ],
);

export const siweNonces = pgTable("siwe_nonces", {
  nonce: text("nonce").primaryKey(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});

export const sessions = pgTable("sessions", {
  id: text("id").primaryKey(),
  address: text("address").notNull(),
  chainId: integer("chain_id").notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  createdAt: createdAt(),
});

/**
 * Rate-limit counters shared by every app process (rate-limiter-flexible's RateLimiterDrizzle store:
 * the column names are the library's).
 */
export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  points: integer("points").notNull(),
  expire: timestamp("expire", { withTimezone: true }),
});

/** Gas the relayer spent (or holds reserved) for a tenant's orders, per UTC day. */
export const relayGasUsage = pgTable(
  "relay_gas_usage",
  {
    tenant: text("tenant").notNull(),
    /** UTC day, YYYY-MM-DD. */
    day: text("day").notNull(),
    gas: bigint("gas", { mode: "bigint" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.day] })],
);

/** Where the indexer is: the last processed block and its hash (for reorg detection). */
export const indexerCursor = pgTable("indexer_cursor", {
  name: text("name").primaryKey(),
  blockNumber: bigint("block_number", { mode: "bigint" }).notNull(),
  blockHash: text("block_hash").notNull(),
  updatedAt: updatedAt(),
});

/** Recent processed block hashes, to find the common ancestor after a reorg. */
export const indexedBlocks = pgTable(
  "indexed_blocks",
  {
    name: text("name").notNull(),
    number: bigint("number", { mode: "bigint" }).notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.number] })],
);

/**
 * Every validated market event the indexer applied, in chain order; the other chain-derived rows are a fold
 * of these, which is how a reorg is undone (delete from the fork block up, replay the affected entities).
 */
export const chainEvents = pgTable(
  "chain_events",
  {
    blockNumber: bigint("block_number", { mode: "bigint" }).notNull(),
    logIndex: integer("log_index").notNull(),
    blockHash: text("block_hash").notNull(),
    txHash: text("tx_hash").notNull(),
    name: text("name").notNull(),
    /** The order/lease the event is about, if any. */
    orderId: numeric("order_id", { precision: 78, scale: 0 }),
    /** The provider whose on-chain record the event changes, if any. */
    provider: text("provider"),
    /** Validated event arguments, bigints as decimal strings. */
    args: jsonb("args").$type<Record<string, unknown>>().notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.blockNumber, t.logIndex] }),
    index("chain_events_order_idx").on(t.orderId),
    index("chain_events_provider_idx").on(t.provider),
  ],
);

/** The kinds of alert (lib/alerts/alert-kinds.ts says what each means). */
export type AlertKind =
  | "runway-low"
  | "lease-closed"
  | "pod-crash-loop"
  | "pod-oom-killed"
  | "order-no-bids"
  | "deploy-failed";

/**
 * A wallet's alert settings. No row: every kind on, the default runway threshold, in-app only.
 * The webhook secret signs every delivery (HMAC-SHA256), so it is kept; it is shown to its owner once,
 * when generated, and never returned again. An email address receives alerts only once verified
 * (emailVerifiedAt): a code is mailed to it, stored here as its SHA-256 until it expires.
 */
export const alertSettings = pgTable("alert_settings", {
  wallet: text("wallet").primaryKey(),
  kinds: jsonb("kinds").$type<AlertKind[]>().notNull(),
  runwayThresholdSeconds: integer("runway_threshold_seconds").notNull(),
  webhookUrl: text("webhook_url"),
  webhookSecret: text("webhook_secret"),
  email: text("email"),
  emailVerifiedAt: timestamp("email_verified_at", { withTimezone: true }),
  emailCodeHash: text("email_code_hash"),
  emailCodeExpiresAt: timestamp("email_code_expires_at", { withTimezone: true }),
  emailCodeAttempts: integer("email_code_attempts").notNull().default(0),
  updatedAt: updatedAt(),
});

/**
 * One alert to one wallet. (wallet, kind, subject, episode) is unique: the alerts loop inserts every
 * condition it sees on every tick and only a new episode makes a row (runway-low's episode is the
 * escrow and threshold it crossed at, so it fires once per crossing, and again after a top-up).
 */
export const alerts = pgTable(
  "alerts",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    wallet: text("wallet").notNull(),
    kind: text("kind").$type<AlertKind>().notNull(),
    /** What it is about, e.g. "lease:7" or "lease:7/pod:web-0". */
    subject: text("subject").notNull(),
    episode: text("episode").notNull(),
    leaseId: numeric("lease_id", { precision: 78, scale: 0 }),
    orderId: numeric("order_id", { precision: 78, scale: 0 }),
    message: text("message").notNull(),
    createdAt: createdAt(),
    readAt: timestamp("read_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("alerts_episode_uq").on(t.wallet, t.kind, t.subject, t.episode),
    index("alerts_wallet_idx").on(t.wallet, t.createdAt),
  ],
);

/**
 * One alert's delivery over one channel (or a webhook test, alertId null): retried with exponential
 * backoff until sent or out of attempts (then failed). The wallet's delivery log.
 */
export const alertDeliveries = pgTable(
  "alert_deliveries",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    alertId: bigint("alert_id", { mode: "number" }).references(() => alerts.id, { onDelete: "cascade" }),
    wallet: text("wallet").notNull(),
    channel: text("channel").$type<"webhook" | "email">().notNull(),
    /** The URL or address it goes to (as set when it was queued). */
    target: text("target").notNull(),
    status: text("status").$type<"pending" | "sent" | "failed">().notNull().default("pending"),
    /** Attempts made so far. */
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastError: text("last_error"),
    /** The receiver's HTTP status of the last webhook attempt. */
    responseStatus: integer("response_status"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index("alert_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("alert_deliveries_wallet_idx").on(t.wallet, t.createdAt),
  ],
);

/** Key-value facts about this deployment (e.g. the market address the data was indexed from). */
export const meta = pgTable("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().default(sql`now()`),
});

export type Provider = typeof providers.$inferSelect;
export type Cluster = typeof clusters.$inferSelect;
export type InventorySnapshot = typeof inventorySnapshots.$inferSelect;
export type Order = typeof orders.$inferSelect;
export type Bid = typeof bids.$inferSelect;
export type Lease = typeof leases.$inferSelect;
export type Payment = typeof payments.$inferSelect;
export type LeaseSpecRevision = typeof leaseSpecRevisions.$inferSelect;
export type LeaseDelegate = typeof leaseDelegates.$inferSelect;
export type MetricSample = typeof metricSamples.$inferSelect;
export type MetricRollup = typeof metricRollups.$inferSelect;
export type LeasePostMortemRow = typeof leasePostMortems.$inferSelect;
export type BidDecision = typeof bidDecisions.$inferSelect;
export type KeeperAction = typeof keeperActions.$inferSelect;
export type LeaseDowntime = typeof leaseDowntime.$inferSelect;
export type LeaseSla = typeof leaseSla.$inferSelect;
export type DeployerTx = typeof deployerTxs.$inferSelect;
export type LeaseDomain = typeof leaseDomains.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type ChainEvent = typeof chainEvents.$inferSelect;
export type AlertSettings = typeof alertSettings.$inferSelect;
export type Alert = typeof alerts.$inferSelect;
export type AlertDelivery = typeof alertDeliveries.$inferSelect;
export type ClusterUptime = typeof clusterUptime.$inferSelect;
export type ProviderBondSnapshot = typeof providerBondSnapshots.$inferSelect;
export type BondEvent = typeof bondEvents.$inferSelect;
export type DowntimeRefund = typeof downtimeRefunds.$inferSelect;
export type ReputationAttestation = typeof reputationAttestations.$inferSelect;
export type SealedBid = typeof sealedBids.$inferSelect;
export type BidSecret = typeof bidSecrets.$inferSelect;
