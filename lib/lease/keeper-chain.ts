import "server-only";
import { type Address, type Hex, parseEventLogs } from "viem";
import {
  type AutoTopUpDecision,
  type AutoTopUpRun,
  autoTopUpDecision,
  readAutoTopUpState,
  runAutoTopUp,
} from "@/lib/chain/auto-top-up";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import {
  createMarketSigner,
  type MarketSignerOptions,
  type MarketStatus,
  marketStatus,
} from "@/lib/chain/market-signer";
import { toBytes32Text } from "@/lib/chain/order-types";
import { revertName } from "@/lib/chain/revert-name";

// The keeper's chain access through its own key (KEEPER_PRIVATE_KEY): reads of an order or lease as
// the contract sees it now, and the two calls anyone may make — settle after the bid window, and
// closeLease once a lease is over (duration ended or escrow used up; ComputeMarket.closeLease lets
// any sender close it then), and autoTopUp under the tenant's rule (lib/chain/auto-top-up.ts). Each call is simulated first, so a revert (e.g. UnexpectedStatus when
// someone settled first) surfaces by name without spending gas; then sent and awaited. The keeper
// sends one transaction at a time, so viem's pending-nonce lookup is always right.

export type KeeperOrderStatus = MarketStatus;

export interface KeeperChain {
  keeper: Address;
  /** The latest block's timestamp, seconds: the contract's `block.timestamp` for the next call is at least this. */
  chainSeconds(): Promise<number>;
  getOrder(id: bigint): Promise<{ status: KeeperOrderStatus; bidEnd: number; hasBid: boolean }>;
  getLease(id: bigint): Promise<{
    status: KeeperOrderStatus;
    endsAt: number;
    escrow: bigint;
    accrued: bigint;
    /** Seconds; 0: the start is not attested yet. */
    attestedAt: number;
    startDeadline: number;
  }>;
  /** A provider's commitment on a sealed order: revealed, or closed (forfeited, released or won). */
  getCommit(orderId: bigint, provider: Address): Promise<{ revealed: boolean; closed: boolean }>;
  /** Sends cancelUnstarted (past the start deadline, never attested) and waits for the receipt. */
  cancelUnstarted(id: bigint): Promise<{ txHash: Hex; detail: string }>;
  /** Sends forfeitCommit (after the reveal window, unrevealed commit) and waits for the receipt. */
  forfeitCommit(orderId: bigint, provider: Address): Promise<{ txHash: Hex; detail: string }>;
  /** Sends settle and waits for the receipt; says what it did. Throws a readable Error on revert. */
  settle(id: bigint): Promise<{ txHash: Hex; detail: string }>;
  /** Sends closeLease with `reason` (a short label) and waits for the receipt. */
  closeLease(id: bigint, reason: string): Promise<{ txHash: Hex; detail: string }>;
  /** Whether an auto top-up is due at the latest block, and the lease's `autoTopUpUsed` there (its episode). */
  autoTopUpDue(id: bigint): Promise<{ decision: AutoTopUpDecision; used: bigint }>;
  /** Re-decides on the latest block and sends autoTopUp when still due. Throws a readable Error on revert. */
  autoTopUp(id: bigint): Promise<AutoTopUpRun>;
}

export function createKeeperChain(opts: MarketSignerOptions): KeeperChain {
  const signer = createMarketSigner(opts);
  const { account, wallet, client, market } = signer;
  // The market's payment token, read once: the allowance and balance the top-up draws on are in it.
  let token: Promise<Address> | undefined;
  const marketToken = () => {
    token ??= client.readContract({ address: market, abi: computeMarketAbi, functionName: "token" });
    return token;
  };

  const send = async (
    functionName: "settle" | "closeLease" | "cancelUnstarted" | "forfeitCommit",
    args: readonly [bigint] | readonly [bigint, Hex],
  ) => {
    try {
      const request = await signer.simulate({ functionName, args });
      const hash = await wallet.writeContract(request as never);
      const receipt = await client.waitForTransactionReceipt({ hash, timeout: 30_000 });
      if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
      return { hash, logs: parseEventLogs({ abi: computeMarketAbi, logs: receipt.logs }) };
    } catch (error) {
      throw new Error(revertName(error));
    }
  };

  return {
    keeper: account.address,
    chainSeconds: signer.chainSeconds,
    async getOrder(id) {
      const o = await client.readContract({
        address: market,
        abi: computeMarketAbi,
        functionName: "getOrder",
        args: [id],
      });
      return {
        status: marketStatus(o.status),
        bidEnd: Number(o.bidEnd),
        hasBid: BigInt(o.bestProvider) !== 0n,
      };
    },
    async getLease(id) {
      const l = await signer.readLease(id);
      return {
        status: l.statusName,
        endsAt: Number(l.endsAt),
        escrow: l.escrow,
        accrued: l.accrued,
        attestedAt: Number(l.attestedAt),
        startDeadline: Number(l.startDeadline),
      };
    },
    async getCommit(orderId, provider) {
      const c = await client.readContract({
        address: market,
        abi: computeMarketAbi,
        functionName: "getCommit",
        args: [orderId, provider],
      });
      return { revealed: c.revealed, closed: c.closed };
    },
    async cancelUnstarted(id) {
      const { hash, logs } = await send("cancelUnstarted", [id]);
      const event = logs.find((l) => l.eventName === "LeaseUnstarted");
      const args = event?.args as { refund?: bigint; slashed?: bigint } | undefined;
      const detail = args
        ? `start never attested: escrow ${args.refund} refunded, ${args.slashed} of the provider's bond to the tenant (base units)`
        : "start never attested: cancelled";
      return { txHash: hash, detail };
    },
    async forfeitCommit(orderId, provider) {
      const { hash, logs } = await send("forfeitCommit", [orderId, provider]);
      const event = logs.find((l) => l.eventName === "CommitForfeited");
      const amount = (event?.args as { amount?: bigint } | undefined)?.amount;
      return {
        txHash: hash,
        detail: `commit of ${provider.toLowerCase()} not revealed: ${amount ?? "part of its lock"} forfeited to the tenant`,
      };
    },
    async settle(id) {
      const { hash, logs } = await send("settle", [id]);
      const started = logs.find((l) => l.eventName === "LeaseStarted");
      const expired = logs.find((l) => l.eventName === "OrderExpired");
      const detail = started
        ? "lease started"
        : expired
          ? "expired without a usable bid: deposit refunded"
          : "settled";
      return { txHash: hash, detail };
    },
    async closeLease(id, reason) {
      const { hash } = await send("closeLease", [id, toBytes32Text(reason)]);
      return { txHash: hash, detail: `lease closed (${reason})` };
    },
    async autoTopUpDue(id) {
      const block = await client.getBlock({ blockTag: "latest" });
      const state = await readAutoTopUpState({
        client,
        market,
        token: await marketToken(),
        leaseId: id,
        blockNumber: block.number,
      });
      return { decision: autoTopUpDecision(state, Number(block.timestamp)), used: state.used };
    },
    async autoTopUp(id) {
      try {
        return await runAutoTopUp({
          client,
          keeper: wallet,
          market,
          token: await marketToken(),
          leaseId: id,
        });
      } catch (error) {
        throw new Error(revertName(error));
      }
    },
  };
}
