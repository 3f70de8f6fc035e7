import { createPublicClient, createWalletClient, http, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { deployMarket } from "@/lib/chain/deploy-market";
import { devRoles } from "@/lib/chain/dev-accounts";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";

// Deploys the market on the local chain unless the previous start's deployment is still there
// (anvil's state is reloaded from the data directory), and gives the keeper's and the attesting deployer's
// keys gas.

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
    if (
      marketCode &&
      marketCode !== "0x" &&
      tokenCode &&
      tokenCode !== "0x" &&
      (await hasIntegrityAbi(opts.rpcUrl, marketAddress))
    ) {
      return { marketAddress, tokenAddress, deployBlock };
    }
  }
  const deployed = await deployMarket({
    rpcUrl: opts.rpcUrl,
    deployerPrivateKey: devRoles.deployer.privateKey,
    deployer: devRoles.attester.address,
  });
  return {
    marketAddress: deployed.marketAddress,
    tokenAddress: deployed.tokenAddress,
    deployBlock: deployed.deployBlock.toString(),
  };
}

/** A market deployed before issue 13 has no `deployer()`: redeploy it rather than run against an old ABI. */
async function hasIntegrityAbi(rpcUrl: string, marketAddress: `0x${string}`): Promise<boolean> {
  const client = createPublicClient({ transport: http(rpcUrl) });
  try {
    await client.readContract({ address: marketAddress, abi: computeMarketAbi, functionName: "deployer" });
    return true;
  } catch {
    return false;
  }
}

/**
 * The keeper's dev key is not one of the ten accounts anvil funds: the deployer sends it gas (a real
 * deployment funds KEEPER_PRIVATE_KEY's address the same way, with gas only).
 */
export async function fundKeeper(rpcUrl: string): Promise<void> {
  const transport = http(rpcUrl);
  const client = createPublicClient({ transport });
  const wallet = createWalletClient({
    account: privateKeyToAccount(devRoles.deployer.privateKey),
    transport,
  });
  // The attesting deployer key (index 11) is not funded by anvil either.
  for (const address of [devRoles.keeper.address, devRoles.attester.address]) {
    if ((await client.getBalance({ address })) >= parseEther("1")) continue;
    const hash = await wallet.sendTransaction({ chain: null, to: address, value: parseEther("100") });
    const receipt = await client.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`funding the dev key ${address} failed`);
  }
}
