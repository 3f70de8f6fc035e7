import "server-only";
import { and, eq, sql } from "drizzle-orm";
import {
  type Address,
  createWalletClient,
  type Hex,
  http,
  parseEventLogs,
  type TransactionReceipt,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Db } from "@/db/client";
import { relayGasUsage } from "@/db/schema";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import type { LeaseUpdate } from "@/lib/chain/lease-update-types";
import type { Order } from "@/lib/chain/order-types";
import { getPublicClient } from "@/lib/chain/public-client";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { marketChain } from "@/lib/wagmi/config";
import { shortMessage } from "@/lib/wagmi/short-message";

// Relays a tenant's signed order (or lease update) from the server's relayer key (RELAYER_PRIVATE_KEY; never the bid
// engine's operator key, whose nonces the bid engine owns), so the
// tenant pays no gas: createOrderWithPermit when the tenant also signed an ERC-2612 permit for the
// deposit, createOrderWithSignature when an allowance is already in place. The contract checks the
// signature (EOA or ERC-1271) and the nonce; we only submit. Sends are serialised per process so
// two relays never race for the relayer's nonce.
//
// Each tenant gets a gas budget per UTC day (RELAY_GAS_BUDGET_PER_DAY), kept in the database so all
// app processes share it: a relay reserves RESERVE_GAS atomically (refused with 429 once the budget
// cannot cover it), then settles to the gas the transaction used, or gives the reservation back when
// nothing was sent. A stranger naming someone else as tenant cannot spend it: the contract refuses
// an order without the tenant's signature at gas estimation, before anything is sent.

/** More than any relay uses (createOrderWithPermit ≈ 160k gas, contracts/.gas-snapshot). */
export const RESERVE_GAS = 300_000n;

export interface PermitSignature {
  deadline: bigint;
  v: number;
  r: Hex;
  s: Hex;
}

let queue: Promise<unknown> = Promise.resolve();

const utcDay = (now: Date) => now.toISOString().slice(0, 10);

/** Reserves `gas` of the tenant's budget for today; throws RATE_LIMITED when it cannot. */
export async function reserveRelayGas(opts: {
  db: Db;
  tenant: string;
  gas: bigint;
  budget: bigint;
  now?: Date;
}): Promise<{ day: string }> {
  const now = opts.now ?? new Date();
  const day = utcDay(now);
  const tenant = opts.tenant.toLowerCase();
  const reserved =
    opts.gas <= opts.budget
      ? await opts.db
          .insert(relayGasUsage)
          .values({ tenant, day, gas: opts.gas })
          .onConflictDoUpdate({
            target: [relayGasUsage.tenant, relayGasUsage.day],
            set: { gas: sql`${relayGasUsage.gas} + ${opts.gas}` },
            setWhere: sql`${relayGasUsage.gas} + ${opts.gas} <= ${opts.budget}`,
          })
          .returning({ gas: relayGasUsage.gas })
      : [];
  if (reserved.length === 0) {
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    const retryAfterSeconds = Math.max(1, Math.ceil((midnight - now.getTime()) / 1000));
    throw new AppError(
      "RATE_LIMITED",
      `This wallet's gas budget for relayed orders (${opts.budget.toLocaleString("en-US")} gas a day) is spent. Submit the order from your wallet, or relay again after 00:00 UTC.`,
      { details: { retryAfterSeconds, budget: opts.budget.toString() } },
    );
  }
  return { day };
}

/** Moves a reservation to what was really spent (0 when nothing was sent). */
async function settleRelayGas(db: Db, tenant: string, day: string, reserved: bigint, spent: bigint) {
  await db
    .update(relayGasUsage)
    .set({ gas: sql`greatest(${relayGasUsage.gas} - ${reserved} + ${spent}, 0)` })
    .where(and(eq(relayGasUsage.tenant, tenant.toLowerCase()), eq(relayGasUsage.day, day)));
}

/**
 * Sends one market call from the relayer key against `tenant`'s daily gas budget, serialised with every
 * other relay of this process, and hands the receipt to `read`. `what` names the call in errors.
 */
async function relayCall<T>(opts: {
  db: Db;
  tenant: string;
  what: string;
  send: (wallet: ReturnType<typeof relayerWallet>, market: Address) => Promise<Hex>;
  read: (receipt: TransactionReceipt, hash: Hex) => T;
}): Promise<T> {
  const config = getConfig();
  if (!config.RELAYER_PRIVATE_KEY || !config.MARKET_ADDRESS)
    throw new AppError(
      "SERVICE_UNAVAILABLE",
      `Relaying is not configured on this server; submit the ${opts.what} from your wallet.`,
    );
  const { day } = await reserveRelayGas({
    db: opts.db,
    tenant: opts.tenant,
    gas: RESERVE_GAS,
    budget: config.RELAY_GAS_BUDGET_PER_DAY,
  });
  const wallet = relayerWallet(config.RELAYER_PRIVATE_KEY as Hex);
  const client = getPublicClient();
  const market = config.MARKET_ADDRESS as Address;

  let spent: bigint | undefined;
  const send = async () => {
    try {
      const hash = await opts.send(wallet, market);
      // Sent: until the receipt says otherwise, the whole reservation counts as spent.
      spent = RESERVE_GAS;
      const receipt = await client.waitForTransactionReceipt({ hash });
      spent = receipt.gasUsed;
      return opts.read(receipt, hash);
    } catch (error) {
      if (error instanceof AppError) throw error;
      // The contract's custom error by name (e.g. NonceAlreadyUsed), never a stack.
      throw new AppError("UNPROCESSABLE", `The market refused the ${opts.what}. ${shortMessage(error)}`);
    }
  };
  const result = queue.then(send, send);
  queue = result.catch(() => {});
  try {
    return await result;
  } finally {
    await settleRelayGas(opts.db, opts.tenant, day, RESERVE_GAS, spent ?? 0n).catch((error) =>
      console.error("[relay] could not settle the gas reservation", error),
    );
  }
}

function relayerWallet(key: Hex) {
  const config = getConfig();
  return createWalletClient({
    account: privateKeyToAccount(key),
    chain: marketChain({ chainId: config.CHAIN_ID, rpcUrl: config.RPC_URL }),
    transport: http(config.RPC_URL),
  });
}

export async function relayOrder(opts: { db: Db; order: Order; signature: Hex; permit?: PermitSignature }) {
  return relayCall({
    db: opts.db,
    tenant: opts.order.tenant,
    what: "order",
    send: (wallet, market) => {
      const permit = opts.permit;
      return permit
        ? wallet.writeContract({
            address: market,
            abi: computeMarketAbi,
            functionName: "createOrderWithPermit",
            args: [opts.order, opts.signature, permit.deadline, permit.v, permit.r, permit.s],
          })
        : wallet.writeContract({
            address: market,
            abi: computeMarketAbi,
            functionName: "createOrderWithSignature",
            args: [opts.order, opts.signature],
          });
    },
    read: (receipt, hash) => {
      const [created] = parseEventLogs({
        abi: computeMarketAbi,
        logs: receipt.logs,
        eventName: "OrderCreated",
      });
      if (!created)
        throw new AppError("UPSTREAM_UNAVAILABLE", "The relay transaction did not create an order.");
      return { orderId: created.args.orderId.toString(), txHash: hash };
    },
  });
}

/**
 * Relays a signed lease update (updateLeaseSpec) against the lease tenant's budget, whoever signed it
 * (the tenant or one of its deploy keys). Answers the new revision from LeaseSpecUpdated.
 */
export async function relayLeaseUpdate(opts: {
  db: Db;
  tenant: string;
  update: LeaseUpdate;
  signer: Address;
  signature: Hex;
}) {
  return relayCall({
    db: opts.db,
    tenant: opts.tenant,
    what: "lease update",
    send: (wallet, market) =>
      wallet.writeContract({
        address: market,
        abi: computeMarketAbi,
        functionName: "updateLeaseSpec",
        args: [opts.update, opts.signer, opts.signature],
      }),
    read: (receipt, hash) => {
      const [updated] = parseEventLogs({
        abi: computeMarketAbi,
        logs: receipt.logs,
        eventName: "LeaseSpecUpdated",
      });
      if (!updated)
        throw new AppError("UPSTREAM_UNAVAILABLE", "The relay transaction did not update the lease.");
      return { revision: Number(updated.args.revision), txHash: hash };
    },
  });
}
