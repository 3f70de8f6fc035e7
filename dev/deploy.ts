import { createPublicClient, createWalletClient, http, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { deployMarket } from "@/lib/chain/deploy-market";
import { devRoles } from "@/lib/chain/dev-accounts";

// Deploys the market on the local chain unless the previous start's deployment is still there
// (anvil's state is reloaded from the data directory), and gives the keeper's key gas.

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
  await fundKeeper(opts.rpcUrl);
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

/**
 * The keeper's dev key is not one of the ten accounts anvil funds: the deployer sends it gas (a real
 * deployment funds KEEPER_PRIVATE_KEY's address the same way, with gas only).
 */
export async function fundKeeper(rpcUrl: string): Promise<void> {
  const transport = http(rpcUrl);
  const client = createPublicClient({ transport });
  const keeper = devRoles.keeper.address;
  if ((await client.getBalance({ address: keeper })) >= parseEther("1")) return;
  const wallet = createWalletClient({
    account: privateKeyToAccount(devRoles.deployer.privateKey),
    transport,
  });
  const hash = await wallet.sendTransaction({ chain: null, to: keeper, value: parseEther("100") });
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error("funding the keeper's dev key failed");
}
