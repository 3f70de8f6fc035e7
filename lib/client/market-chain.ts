import {
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  type LocalAccount,
  parseSignature,
} from "viem";
import { computeMarketAbi, mockStablecoinAbi } from "@/lib/chain/generated/contracts";
import { type Order, toBytes32Text } from "@/lib/chain/order-types";
import { permitTypedData } from "@/lib/chain/permit-types";

// What a script does on chain itself, with its own key and gas: approve and create an order, cancel
// it, top a lease up, close it, grant or revoke a deploy key (setDelegate), and read a lease's spec
// revision (the nonce its next LeaseUpdate must carry). Also the ERC-2612 permit a relayed order
// carries, so a tenant with tokens but no gas can order. A revert becomes `ChainRevertError` naming
// the contract's custom error.

export class ChainRevertError extends Error {
  constructor(
    message: string,
    readonly errorName: string | null,
  ) {
    super(message);
    this.name = "ChainRevertError";
  }
}

export interface MarketChainOptions {
  rpcUrl: string;
  account: LocalAccount;
  marketAddress: Address;
  /** The chain the server is on (/api/health): a wrong RPC is refused before anything is signed. */
  chainId: number;
}

export async function connectMarket(opts: MarketChainOptions) {
  const transport = http(opts.rpcUrl);
  const publicClient = createPublicClient({ transport });
  const wallet = createWalletClient({ account: opts.account, transport });
  const rpcChain = await publicClient.getChainId().catch((error: Error) => {
    throw new ChainRevertError(`Cannot reach the RPC ${opts.rpcUrl}: ${error.message.split("\n")[0]}`, null);
  });
  if (rpcChain !== opts.chainId)
    throw new ChainRevertError(`The RPC is on chain ${rpcChain}, the server on chain ${opts.chainId}.`, null);
  const market = opts.marketAddress;
  const token = await publicClient.readContract({
    address: market,
    abi: computeMarketAbi,
    functionName: "token",
  });
  const account = opts.account;

  /** Simulates first (a revert is named before any gas is spent), then sends and waits. */
  async function write(
    call:
      | { address: Address; abi: typeof computeMarketAbi; functionName: string; args: readonly unknown[] }
      | { address: Address; abi: typeof mockStablecoinAbi; functionName: string; args: readonly unknown[] },
  ) {
    try {
      // biome-ignore lint/suspicious/noExplicitAny: one helper for both ABIs; viem checks args against the ABI at runtime
      const { request, result } = await publicClient.simulateContract({ ...(call as any), account });
      const hash = await wallet.writeContract({ ...request, chain: null });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success")
        throw new ChainRevertError(`${call.functionName} reverted (${hash}).`, null);
      return { hash, result: result as unknown };
    } catch (error) {
      throw toRevertError(error, call.functionName);
    }
  }

  async function ensureAllowance(amount: bigint) {
    const allowance = await publicClient.readContract({
      address: token,
      abi: mockStablecoinAbi,
      functionName: "allowance",
      args: [account.address, market],
    });
    if (allowance < amount)
      await write({
        address: token,
        abi: mockStablecoinAbi,
        functionName: "approve",
        args: [market, amount],
      });
  }

  return {
    publicClient,
    token,
    balance: () =>
      publicClient.readContract({
        address: token,
        abi: mockStablecoinAbi,
        functionName: "balanceOf",
        args: [account.address],
      }),
    /** The ERC-2612 permit for a relayed order's deposit (valid an hour). */
    async signPermit(value: bigint) {
      const [[, name, version, domainChainId, verifyingContract], nonce] = await Promise.all([
        publicClient.readContract({ address: token, abi: mockStablecoinAbi, functionName: "eip712Domain" }),
        publicClient.readContract({
          address: token,
          abi: mockStablecoinAbi,
          functionName: "nonces",
          args: [account.address],
        }),
      ]);
      const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
      const signature = await account.signTypedData(
        permitTypedData({
          domain: { name, version, chainId: Number(domainChainId), verifyingContract },
          owner: account.address,
          spender: market,
          value,
          nonce,
          deadline,
        }),
      );
      const { v, r, s, yParity } = parseSignature(signature);
      return { deadline, v: Number(v ?? BigInt(yParity + 27)), r, s };
    },
    /** approve + createOrder from the tenant's own account; the order id. */
    async createOrder(order: Order): Promise<{ orderId: string; txHash: Hex }> {
      await ensureAllowance(order.deposit);
      const { hash, result } = await write({
        address: market,
        abi: computeMarketAbi,
        functionName: "createOrder",
        args: [order],
      });
      return { orderId: String(result), txHash: hash };
    },
    /** Ends an auction whose bid window is over (anyone may; the server's keeper does it when it runs one). */
    settle: async (orderId: bigint) =>
      (await write({ address: market, abi: computeMarketAbi, functionName: "settle", args: [orderId] })).hash,
    cancelOrder: async (orderId: bigint) =>
      (await write({ address: market, abi: computeMarketAbi, functionName: "cancelOrder", args: [orderId] }))
        .hash,
    async topUp(leaseId: bigint, amount: bigint) {
      await ensureAllowance(amount);
      return (
        await write({
          address: market,
          abi: computeMarketAbi,
          functionName: "topUp",
          args: [leaseId, amount],
        })
      ).hash;
    },
    closeLease: async (leaseId: bigint, reason: string) =>
      (
        await write({
          address: market,
          abi: computeMarketAbi,
          functionName: "closeLease",
          args: [leaseId, toBytes32Text(reason)],
        })
      ).hash,
    /** Grants (or revokes) a deploy key for one lease, or every lease of the tenant with leaseId 0. */
    setDelegate: async (delegate: Address, leaseId: bigint, allowed: boolean) =>
      (
        await write({
          address: market,
          abi: computeMarketAbi,
          functionName: "setDelegate",
          args: [delegate, leaseId, allowed],
        })
      ).hash,
    /** The spec a lease runs and its revision (the next LeaseUpdate's nonce). */
    async leaseSpec(leaseId: bigint): Promise<{ specHash: Hex; revision: bigint }> {
      const [specHash, revision] = await publicClient.readContract({
        address: market,
        abi: computeMarketAbi,
        functionName: "getLeaseSpec",
        args: [leaseId],
      });
      return { specHash, revision: BigInt(revision) };
    },
  };
}

export type MarketChain = Awaited<ReturnType<typeof connectMarket>>;

/** viem's error → one line naming the contract's custom error when there is one. */
export function toRevertError(error: unknown, what: string): Error {
  if (error instanceof ChainRevertError) return error;
  if (error instanceof BaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      const name = reverted.data?.errorName ?? null;
      return new ChainRevertError(
        `${what} reverted${name ? `: ${name}` : ""} (${reverted.shortMessage}).`,
        name,
      );
    }
    return new ChainRevertError(`${what} failed: ${error.shortMessage}`, null);
  }
  return error instanceof Error ? error : new Error(String(error));
}
