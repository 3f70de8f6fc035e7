import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  maxUint256,
  type PublicClient,
} from "viem";

import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployedMarket, deployMarket, devIntegrityParams } from "./deploy-market";
import { devRoles } from "./dev-accounts";
import { computeMarketAbi, mockStablecoinAbi } from "./generated/contracts";
import {
  hashLeaseUpdate,
  type LeaseUpdate,
  leaseUpdateSchema,
  leaseUpdateTypedData,
  signedLeaseUpdateSchema,
} from "./lease-update-types";
import { attributeId, type Order, toBytes32Text } from "./order-types";
import { type AnvilInstance, startAnvil } from "./start-anvil";

/** Bonds off (bondBps 0): these tests predate issue 13 and exercise other rules. */
const noBondParams = { ...devIntegrityParams, bondBps: 0 };

const USD = 1_000_000n;

async function revertName(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof BaseError) {
      const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
      if (reverted instanceof ContractFunctionRevertedError) return reverted.data?.errorName;
    }
    throw err;
  }
  return undefined;
}

describe("lease-update-types against the deployed contract", () => {
  let anvil: AnvilInstance;
  let deployed: DeployedMarket;
  let pub: PublicClient;
  const wallet = (key: Hex) =>
    createWalletClient({ account: privateKeyToAccount(key), transport: http(anvil.rpcUrl) });

  beforeAll(async () => {
    anvil = await startAnvil();
    deployed = await deployMarket({
      integrity: noBondParams,
      rpcUrl: anvil.rpcUrl,
      deployerPrivateKey: devRoles.deployer.privateKey,
    });
    pub = createPublicClient({ transport: http(anvil.rpcUrl) }) as PublicClient;
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it("hashes a lease update exactly like ComputeMarket.hashLeaseUpdate (EIP-712 digest)", async () => {
    const updates: LeaseUpdate[] = [
      { leaseId: 1n, specHash: toBytes32Text("v2"), nonce: 0n, deadline: 4_000_000_000n },
      { leaseId: 2n ** 200n, specHash: `0x${"ab".repeat(32)}`, nonce: 2n ** 255n, deadline: 0n },
    ];
    for (const update of updates) {
      const onChain = await pub.readContract({
        address: deployed.marketAddress,
        abi: computeMarketAbi,
        functionName: "hashLeaseUpdate",
        args: [update],
      });
      expect(hashLeaseUpdate(update, deployed.chainId, deployed.marketAddress)).toBe(onChain);
    }
  });

  it("a deploy key's signTypedData is accepted when relayed, and refused once replayed", async () => {
    const tenant = wallet(devRoles.tenants[0].privateKey);
    const provider = wallet(devRoles.providers[0].privateKey);
    const relayer = wallet(devRoles.e2e[0].privateKey);
    const deployKey = privateKeyToAccount(generatePrivateKey()); // holds no ETH: it only signs
    const market = { address: deployed.marketAddress, abi: computeMarketAbi, chain: null } as const;
    const token = { address: deployed.tokenAddress, abi: mockStablecoinAbi, chain: null } as const;
    const mined = async (hash: Promise<Hex>) => {
      const receipt = await pub.waitForTransactionReceipt({ hash: await hash });
      expect(receipt.status).toBe("success");
    };
    await mined(tenant.writeContract({ ...token, functionName: "faucet", args: [100n * USD] }));
    await mined(
      tenant.writeContract({ ...token, functionName: "approve", args: [deployed.marketAddress, maxUint256] }),
    );
    await mined(
      provider.writeContract({
        ...market,
        functionName: "registerProvider",
        args: [provider.account.address, toBytes32Text("eu-west"), [], []],
      }),
    );
    const order: Order = {
      tenant: tenant.account.address,
      specHash: toBytes32Text("v1"),
      cpuMillicores: 1000,
      memoryMiB: 1024,
      storageMiB: 1024,
      gpuCount: 0,
      gpuModel: toBytes32Text(""),
      requiredAttributes: [attributeId("region", "eu-west")],
      maxPricePerHour: USD,
      duration: 86_400,
      deposit: 10n * USD,
      bidWindow: 600,
      nonce: 0n,
      deadline: 4_000_000_000n,
      startDeadline: 600,
      auctionFormat: 0,
      revealWindow: 0,
      minReputation: 0,
    };
    await mined(tenant.writeContract({ ...market, functionName: "createOrder", args: [order] }));
    await mined(
      provider.writeContract({
        ...market,
        functionName: "placeBid",
        args: [1n, provider.account.address, USD, order.requiredAttributes],
      }),
    );
    await mined(tenant.writeContract({ ...market, functionName: "acceptBid", args: [1n] }));
    await mined(
      tenant.writeContract({ ...market, functionName: "setDelegate", args: [deployKey.address, 1n, true] }),
    );

    const [, revision] = await pub.readContract({ ...market, functionName: "getLeaseSpec", args: [1n] });
    const update: LeaseUpdate = {
      leaseId: 1n,
      specHash: toBytes32Text("v2"),
      nonce: BigInt(revision),
      deadline: 4_000_000_000n,
    };
    const signature = await deployKey.signTypedData(
      leaseUpdateTypedData(update, deployed.chainId, deployed.marketAddress),
    );
    // What the marketplace receives over HTTP (bigints as strings) parses back to the same request.
    const relayed = signedLeaseUpdateSchema.parse(
      JSON.parse(
        JSON.stringify({
          update: { ...update, leaseId: "1", nonce: update.nonce.toString(), deadline: "4000000000" },
          signer: deployKey.address,
          signature,
        }),
      ),
    );
    await mined(
      relayer.writeContract({
        ...market,
        functionName: "updateLeaseSpec",
        args: [relayed.update, relayed.signer, relayed.signature],
      }),
    );
    expect(await pub.readContract({ ...market, functionName: "getLeaseSpec", args: [1n] })).toEqual([
      update.specHash,
      1,
    ]);
    expect(
      await revertName(
        pub.simulateContract({
          address: deployed.marketAddress,
          abi: computeMarketAbi,
          account: relayer.account,
          functionName: "updateLeaseSpec",
          args: [update, deployKey.address, signature],
        }),
      ),
    ).toBe("InvalidLeaseUpdateNonce");
  });
});

describe("leaseUpdateSchema", () => {
  const base = { leaseId: "1", specHash: `0x${"11".repeat(32)}`, nonce: "0", deadline: "10" };
  it("accepts decimal strings and rejects what the contract would refuse", () => {
    expect(leaseUpdateSchema.parse(base)).toEqual({ ...base, leaseId: 1n, nonce: 0n, deadline: 10n });
    expect(leaseUpdateSchema.safeParse({ ...base, leaseId: "0" }).success).toBe(false);
    expect(leaseUpdateSchema.safeParse({ ...base, specHash: `0x${"00".repeat(32)}` }).success).toBe(false);
    expect(leaseUpdateSchema.safeParse({ ...base, specHash: "0x1234" }).success).toBe(false);
    expect(leaseUpdateSchema.safeParse({ ...base, nonce: "-1" }).success).toBe(false);
    expect(leaseUpdateSchema.safeParse({ ...base, deadline: (1n << 256n).toString() }).success).toBe(false);
  });
});
