import "server-only";
import { type Address, createWalletClient, type Hex, http, parseEventLogs } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import type { Order } from "@/lib/chain/order-types";
import { getPublicClient } from "@/lib/chain/public-client";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { marketChain } from "@/lib/wagmi/config";
import { shortMessage } from "@/lib/wagmi/short-message";

// Relays a tenant's signed order from the server's relayer key (RELAYER_PRIVATE_KEY; never the bid
// engine's operator key, whose nonces the bid engine owns), so the
// tenant pays no gas: createOrderWithPermit when the tenant also signed an ERC-2612 permit for the
// deposit, createOrderWithSignature when an allowance is already in place. The contract checks the
// signature (EOA or ERC-1271) and the nonce; we only submit. Sends are serialised per process so
// two relays never race for the relayer's nonce.

export interface PermitSignature {
  deadline: bigint;
  v: number;
  r: Hex;
  s: Hex;
}

let queue: Promise<unknown> = Promise.resolve();

export async function relayOrder(opts: { order: Order; signature: Hex; permit?: PermitSignature }) {
  const config = getConfig();
  if (!config.RELAYER_PRIVATE_KEY || !config.MARKET_ADDRESS)
    throw new AppError(
      "SERVICE_UNAVAILABLE",
      "Relaying is not configured on this server; submit the order from your wallet.",
    );
  const account = privateKeyToAccount(config.RELAYER_PRIVATE_KEY as Hex);
  const wallet = createWalletClient({
    account,
    chain: marketChain({ chainId: config.CHAIN_ID, rpcUrl: config.RPC_URL }),
    transport: http(config.RPC_URL),
  });
  const client = getPublicClient();
  const market = config.MARKET_ADDRESS as Address;

  const send = async () => {
    try {
      const permit = opts.permit;
      const hash = permit
        ? await wallet.writeContract({
            address: market,
            abi: computeMarketAbi,
            functionName: "createOrderWithPermit",
            args: [opts.order, opts.signature, permit.deadline, permit.v, permit.r, permit.s],
          })
        : await wallet.writeContract({
            address: market,
            abi: computeMarketAbi,
            functionName: "createOrderWithSignature",
            args: [opts.order, opts.signature],
          });
      const receipt = await client.waitForTransactionReceipt({ hash });
      const [created] = parseEventLogs({
        abi: computeMarketAbi,
        logs: receipt.logs,
        eventName: "OrderCreated",
      });
      if (!created)
        throw new AppError("UPSTREAM_UNAVAILABLE", "The relay transaction did not create an order.");
      return { orderId: created.args.orderId.toString(), txHash: hash };
    } catch (error) {
      if (error instanceof AppError) throw error;
      // The contract's custom error by name (e.g. NonceAlreadyUsed), never a stack.
      throw new AppError("UNPROCESSABLE", `The market refused the order. ${shortMessage(error)}`);
    }
  };
  const result = queue.then(send, send);
  queue = result.catch(() => {});
  return result;
}
