import { createPublicClient, http } from "viem";
import { deployMarket } from "@/lib/chain/deploy-market";
import { devRoles } from "@/lib/chain/dev-accounts";

// Deploys the market on the local chain unless the previous start's deployment is still there
// (anvil's state is reloaded from the data directory).

export interface Deployment {
  marketAddress: `0x${string}`;
  tokenAddress: `0x${string}`;
  deployBlock: string;
}

export async function ensureMarketDeployed(opts: {
  rpcUrl: string;
  previous: Partial<Deployment>;
}): Promise<Deployment> {
  const client = createPublicClient({ transport: http(opts.rpcUrl) });
  const { marketAddress, tokenAddress, deployBlock } = opts.previous;
  if (marketAddress && tokenAddress && deployBlock) {
    const [marketCode, tokenCode] = await Promise.all([
      client.getCode({ address: marketAddress }),
      client.getCode({ address: tokenAddress }),
    ]);
    if (marketCode && marketCode !== "0x" && tokenCode && tokenCode !== "0x") {
      return { marketAddress, tokenAddress, deployBlock };
    }
  }
  const deployed = await deployMarket({
    rpcUrl: opts.rpcUrl,
    deployerPrivateKey: devRoles.deployer.privateKey,
  });
  return {
    marketAddress: deployed.marketAddress,
    tokenAddress: deployed.tokenAddress,
    deployBlock: deployed.deployBlock.toString(),
  };
}
