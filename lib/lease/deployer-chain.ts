import "server-only";
import {
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  createWalletClient,
  type Hex,
  http,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import { revertName } from "@/lib/chain/revert-name";
import type { DeployerTxPayload } from "@/lib/lease/deployer-tx-payload";
import { type DeployerChain, DeployerRevertError } from "@/lib/lease/run-deployer";
import { marketChain } from "@/lib/wagmi/config";

// The deployer's chain access through its own key (DEPLOYER_PRIVATE_KEY): the three onlyDeployer calls
// (attestStart, attestDowntime, attestReputation), each simulated on the pending block first so that
// a revert surfaces by name without spending gas, then sent with the nonce run-deployer.ts recorded
// for it; and the reads it reconciles with (getLease, getProvider, the key's nonces).

const STATUS = ["none", "open", "cancelled", "expired", "active", "closed"] as const;

export function createDeployerChain(opts: {
  privateKey: Hex;
  market: Address;
  rpcUrl: string;
  chainId: number;
  client: PublicClient;
}): DeployerChain {
  const account = privateKeyToAccount(opts.privateKey);
  const chain = marketChain({ chainId: opts.chainId, rpcUrl: opts.rpcUrl });
  const wallet = createWalletClient({ account, chain, transport: http(opts.rpcUrl, { timeout: 10_000 }) });
  const { client, market } = opts;

  const call = (p: DeployerTxPayload) => {
    switch (p.call) {
      case "attestStart":
        return { functionName: "attestStart", args: [BigInt(p.leaseId), p.specHash as Hex] } as const;
      case "attestDowntime":
        return {
          functionName: "attestDowntime",
          args: [p.leaseIds.map((id) => BigInt(id)), p.seconds],
        } as const;
      case "attestReputation":
        return {
          functionName: "attestReputation",
          args: [p.providers as Address[], p.scores],
        } as const;
    }
  };

  return {
    deployer: account.address,
    async nonces() {
      const [mined, pending] = await Promise.all([
        client.getTransactionCount({ address: account.address, blockTag: "latest" }),
        client.getTransactionCount({ address: account.address, blockTag: "pending" }),
      ]);
      return { mined, pending };
    },
    async chainSeconds() {
      return Number((await client.getBlock({ blockTag: "latest" })).timestamp);
    },
    async getLease(id) {
      const l = await client.readContract({
        address: market,
        abi: computeMarketAbi,
        functionName: "getLease",
        args: [id],
      });
      return {
        status: STATUS[l.status] ?? "none",
        attestedAt: Number(l.attestedAt),
        startDeadline: Number(l.startDeadline),
        downtimeSeconds: Number(l.downtimeSeconds),
      };
    },
    async reputationOf(provider) {
      const p = await client.readContract({
        address: market,
        abi: computeMarketAbi,
        functionName: "getProvider",
        args: [provider as Address],
      });
      return Number(p.reputation);
    },
    async send(payload, nonce) {
      let request: unknown;
      try {
        // The pending block: the transaction is mined in the next one, at its time.
        ({ request } = await client.simulateContract({
          account,
          address: market,
          abi: computeMarketAbi,
          ...call(payload),
          blockTag: "pending",
        } as never));
      } catch (error) {
        const reverted =
          error instanceof BaseError && error.walk((e) => e instanceof ContractFunctionRevertedError);
        if (reverted) throw new DeployerRevertError(revertName(error));
        throw new Error(revertName(error));
      }
      try {
        return await wallet.writeContract({ ...(request as object), nonce } as never);
      } catch (error) {
        throw new Error(revertName(error));
      }
    },
    async receipt(hash, timeoutMs) {
      try {
        const r = await client.waitForTransactionReceipt({ hash, timeout: timeoutMs });
        return { status: r.status };
      } catch {
        return null;
      }
    },
  };
}
