import "server-only";
import { type Address, BaseError, ContractFunctionRevertedError, type Hex } from "viem";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import { createMarketSigner, type MarketSignerOptions } from "@/lib/chain/market-signer";
import { revertName } from "@/lib/chain/revert-name";
import type { DeployerTxPayload } from "@/lib/lease/deployer-tx-payload";
import { type DeployerChain, DeployerRevertError } from "@/lib/lease/run-deployer";

// The deployer's chain access through its own key (DEPLOYER_PRIVATE_KEY): the three onlyDeployer calls
// (attestStart, attestDowntime, attestReputation), each simulated on the pending block first so that
// a revert surfaces by name without spending gas, then sent with the nonce run-deployer.ts recorded
// for it; and the reads it reconciles with (getLease, getProvider, the key's nonces).

export function createDeployerChain(opts: MarketSignerOptions): DeployerChain {
  const signer = createMarketSigner(opts);
  const { account, wallet, client, market } = signer;

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
    chainSeconds: signer.chainSeconds,
    async getLease(id) {
      const l = await signer.readLease(id);
      return {
        status: l.statusName,
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
      let request: object;
      try {
        request = await signer.simulate(call(payload));
      } catch (error) {
        const reverted =
          error instanceof BaseError && error.walk((e) => e instanceof ContractFunctionRevertedError);
        if (reverted) throw new DeployerRevertError(revertName(error));
        throw new Error(revertName(error));
      }
      try {
        return await wallet.writeContract({ ...request, nonce } as never);
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
