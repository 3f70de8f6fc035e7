// What a keeper needs for auto top-up: `autoTopUpDecision` decides, from a lease's on-chain state, whether
// `ComputeMarket.autoTopUp` would succeed now (the same checks in the same order as the contract, plus the
// tenant's allowance and balance, which the contract only finds out when the transfer fails), and
// `runAutoTopUp` reads that state and sends the transaction when it is due. The keeper loop decides which
// leases to look at and when; nothing here schedules.
import { type Address, erc20Abi, type Hex, type PublicClient, type WalletClient } from "viem";
import { computeMarketAbi } from "./generated/contracts";

const HOUR = 3600n;
/** `IComputeMarket.OrderStatus.Active`. */
const STATUS_ACTIVE = 4;

/** Everything the decision reads, as the contract's views return it (chain seconds, base units). */
export interface AutoTopUpState {
  status: number;
  tenant: Address;
  pricePerHour: bigint;
  startedAt: number;
  endsAt: number;
  escrow: bigint;
  rule: { amountPerTopUp: bigint; totalCap: bigint; minRunwaySeconds: number };
  used: bigint;
  /** The tenant's allowance to the market and its token balance. */
  allowance: bigint;
  balance: bigint;
}

export type AutoTopUpDecision =
  | { due: true; amount: bigint; runwaySeconds: bigint }
  | {
      due: false;
      /** The contract's custom error for each refusal it makes; `allowance`/`balance` are the token's. */
      reason:
        | "NoAutoTopUpRule"
        | "NotActive"
        | "LeaseOver"
        | "RunwayNotLow"
        | "AutoTopUpCapReached"
        | "allowance"
        | "balance";
      runwaySeconds?: bigint;
    };

/** Whether `autoTopUp(leaseId)` succeeds at chain time `now` (a block timestamp, whole seconds). */
export function autoTopUpDecision(s: AutoTopUpState, now: number): AutoTopUpDecision {
  const amount = s.rule.amountPerTopUp;
  if (amount === 0n) return { due: false, reason: "NoAutoTopUpRule" };
  if (s.status !== STATUS_ACTIVE) return { due: false, reason: "NotActive" };
  const duration = BigInt(s.endsAt - s.startedAt);
  // ComputeMarket._accrued: from the lease start, capped by the duration and the escrow, rounded down.
  const elapsedRaw = BigInt(Math.max(0, now - s.startedAt));
  const elapsed = elapsedRaw > duration ? duration : elapsedRaw;
  const earned = (s.pricePerHour * elapsed) / HOUR;
  const accrued = earned < s.escrow ? earned : s.escrow;
  if (BigInt(now) >= BigInt(s.endsAt) || accrued >= s.escrow) return { due: false, reason: "LeaseOver" };
  const runwaySeconds = ((s.escrow - accrued) * HOUR) / s.pricePerHour;
  const coversLease = (s.pricePerHour * duration) / HOUR <= s.escrow;
  if (coversLease || runwaySeconds >= BigInt(s.rule.minRunwaySeconds)) {
    return { due: false, reason: "RunwayNotLow", runwaySeconds };
  }
  if (s.used + amount > s.rule.totalCap) return { due: false, reason: "AutoTopUpCapReached", runwaySeconds };
  if (s.allowance < amount) return { due: false, reason: "allowance", runwaySeconds };
  if (s.balance < amount) return { due: false, reason: "balance", runwaySeconds };
  return { due: true, amount, runwaySeconds };
}

/** Read a lease's auto top-up state (one block: the decision and the transaction see the same state). */
export async function readAutoTopUpState(opts: {
  client: PublicClient;
  market: Address;
  token: Address;
  leaseId: bigint;
  blockNumber?: bigint;
}): Promise<AutoTopUpState> {
  const { client, market, token, leaseId } = opts;
  const blockNumber = opts.blockNumber ?? (await client.getBlockNumber({ cacheTime: 0 }));
  const [lease, [rule, used]] = await Promise.all([
    client.readContract({
      address: market,
      abi: computeMarketAbi,
      functionName: "getLease",
      args: [leaseId],
      blockNumber,
    }),
    client.readContract({
      address: market,
      abi: computeMarketAbi,
      functionName: "getAutoTopUp",
      args: [leaseId],
      blockNumber,
    }),
  ]);
  const [allowance, balance] = await Promise.all([
    client.readContract({
      address: token,
      abi: erc20Abi,
      functionName: "allowance",
      args: [lease.tenant, market],
      blockNumber,
    }),
    client.readContract({
      address: token,
      abi: erc20Abi,
      functionName: "balanceOf",
      args: [lease.tenant],
      blockNumber,
    }),
  ]);
  return {
    status: lease.status,
    tenant: lease.tenant,
    pricePerHour: lease.pricePerHour,
    startedAt: lease.startedAt,
    endsAt: lease.endsAt,
    escrow: lease.escrow,
    rule: {
      amountPerTopUp: rule.amountPerTopUp,
      totalCap: rule.totalCap,
      minRunwaySeconds: rule.minRunwaySeconds,
    },
    used,
    allowance,
    balance,
  };
}

export type AutoTopUpRun =
  | { sent: true; txHash: Hex; amount: bigint }
  | { sent: false; decision: AutoTopUpDecision };

/**
 * Top a lease up if its rule says so at the latest block. The decision uses that block's timestamp; the
 * transaction lands in a later block, where the runway is only shorter, so a due top-up stays due (the
 * contract re-checks everything anyway). Waits for the receipt and throws if it reverted.
 */
export async function runAutoTopUp(opts: {
  client: PublicClient;
  keeper: WalletClient;
  market: Address;
  token: Address;
  leaseId: bigint;
}): Promise<AutoTopUpRun> {
  const { client, keeper, market, leaseId } = opts;
  const block = await client.getBlock();
  const state = await readAutoTopUpState({ ...opts, blockNumber: block.number });
  const decision = autoTopUpDecision(state, Number(block.timestamp));
  if (!decision.due) return { sent: false, decision };
  if (!keeper.account) throw new Error("the keeper wallet client has no account");
  const txHash = await keeper.writeContract({
    address: market,
    abi: computeMarketAbi,
    functionName: "autoTopUp",
    args: [leaseId],
    account: keeper.account,
    chain: keeper.chain ?? null,
  });
  const receipt = await client.waitForTransactionReceipt({ hash: txHash });
  if (receipt.status !== "success") throw new Error(`autoTopUp(${leaseId}) reverted in ${txHash}`);
  return { sent: true, txHash, amount: decision.amount };
}
