import { createPublicClient, createWalletClient, http, maxUint256, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployedMarket, deployMarket, devIntegrityParams } from "./deploy-market";
import { devRoles } from "./dev-accounts";
import { computeMarketAbi, mockStablecoinAbi } from "./generated/contracts";
import {
  attributeId,
  fromBytes32Text,
  hashOrder,
  type Order,
  orderSchema,
  requirementsTag,
  serializeOrder,
  toBytes32Text,
} from "./order-types";
import { type AnvilInstance, startAnvil } from "./start-anvil";

const sampleOrder = (): Order => ({
  tenant: devRoles.tenants[0].address,
  specHash: toBytes32Text("spec"),
  cpuMillicores: 2000,
  memoryMiB: 4096,
  storageMiB: 20_480,
  gpuCount: 1,
  gpuModel: toBytes32Text("nvidia-a100"),
  requiredAttributes: [attributeId("region", "eu-west"), attributeId("gpu", "nvidia-a100")],
  maxPricePerHour: 2_000_000n,
  duration: 86_400,
  deposit: 48_000_000n,
  bidWindow: 600,
  nonce: 7n,
  deadline: 4_000_000_000n,
  // Not the defaults, so the digest test covers every integrity field.
  startDeadline: 900,
  auctionFormat: 1,
  revealWindow: 120,
  minReputation: 40,
});

describe("order-types against the deployed contract", () => {
  let anvil: AnvilInstance;
  let deployed: DeployedMarket;
  let client: PublicClient;

  beforeAll(async () => {
    anvil = await startAnvil();
    deployed = await deployMarket({
      rpcUrl: anvil.rpcUrl,
      deployerPrivateKey: devRoles.deployer.privateKey,
      deployer: devRoles.attester.address,
    });
    client = createPublicClient({ transport: http(anvil.rpcUrl) }) as PublicClient;
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it("hashes an order exactly like ComputeMarket.hashOrder (EIP-712 digest)", async () => {
    for (const order of [sampleOrder(), { ...sampleOrder(), requiredAttributes: [], nonce: 2n ** 200n }]) {
      const onChain = await client.readContract({
        address: deployed.marketAddress,
        abi: computeMarketAbi,
        functionName: "hashOrder",
        args: [order],
      });
      expect(hashOrder(order, deployed.chainId, deployed.marketAddress)).toBe(onChain);
    }
  });

  it("deploys with the dev integrity parameters and names the attesting deployer", async () => {
    const market = { address: deployed.marketAddress, abi: computeMarketAbi } as const;
    expect(await client.readContract({ ...market, functionName: "deployer" })).toBe(
      devRoles.attester.address,
    );
    expect(await client.readContract({ ...market, functionName: "integrityParams" })).toEqual(
      devIntegrityParams,
    );
  });

  it("computes attribute ids and the requirements tag like the contract", async () => {
    const onChain = await client.readContract({
      address: deployed.marketAddress,
      abi: computeMarketAbi,
      functionName: "attributeId",
      args: [toBytes32Text("region"), toBytes32Text("eu-west")],
    });
    expect(attributeId("region", "eu-west")).toBe(onChain);

    const tenant = createWalletClient({
      account: privateKeyToAccount(devRoles.tenants[0].privateKey),
      transport: http(anvil.rpcUrl),
    });
    const token = { address: deployed.tokenAddress, abi: mockStablecoinAbi, chain: null } as const;
    await client.waitForTransactionReceipt({
      hash: await tenant.writeContract({ ...token, functionName: "faucet", args: [100_000_000n] }),
    });
    await client.waitForTransactionReceipt({
      hash: await tenant.writeContract({
        ...token,
        functionName: "approve",
        args: [deployed.marketAddress, maxUint256],
      }),
    });
    const order = sampleOrder();
    await client.waitForTransactionReceipt({
      hash: await tenant.writeContract({
        address: deployed.marketAddress,
        abi: computeMarketAbi,
        functionName: "createOrder",
        args: [order],
        chain: null,
      }),
    });
    const info = await client.readContract({
      address: deployed.marketAddress,
      abi: computeMarketAbi,
      functionName: "getOrder",
      args: [1n],
    });
    expect(info.requirementsTag).toBe(requirementsTag(order.requiredAttributes));
  });
});

describe("orderSchema", () => {
  it("round-trips through JSON-safe serialization", () => {
    const order = sampleOrder();
    const json = JSON.parse(JSON.stringify(serializeOrder(order)));
    expect(orderSchema.parse(json)).toEqual(order);
  });

  it("rejects out-of-range and malformed fields", () => {
    const base = serializeOrder(sampleOrder());
    expect(orderSchema.safeParse({ ...base, tenant: "0x123" }).success).toBe(false);
    expect(orderSchema.safeParse({ ...base, duration: 0 }).success).toBe(false);
    expect(orderSchema.safeParse({ ...base, cpuMillicores: 2 ** 32 }).success).toBe(false);
    expect(orderSchema.safeParse({ ...base, deposit: (1n << 96n).toString() }).success).toBe(false);
    expect(orderSchema.safeParse({ ...base, maxPricePerHour: "-1" }).success).toBe(false);
    expect(orderSchema.safeParse({ ...base, requiredAttributes: Array(9).fill(base.specHash) }).success).toBe(
      false,
    );
    expect(orderSchema.safeParse({ ...base, bidWindow: 31 * 24 * 3600 }).success).toBe(false);
    expect(orderSchema.safeParse({ ...base, startDeadline: 29 }).success).toBe(false);
    expect(orderSchema.safeParse({ ...base, auctionFormat: 2 }).success).toBe(false);
    expect(orderSchema.safeParse({ ...base, minReputation: 101 }).success).toBe(false);
    // Open auctions have no reveal window; sealed ones need one of 1..86400 s.
    expect(orderSchema.safeParse({ ...base, auctionFormat: 0, revealWindow: 60 }).success).toBe(false);
    expect(orderSchema.safeParse({ ...base, auctionFormat: 1, revealWindow: 0 }).success).toBe(false);
    expect(orderSchema.safeParse({ ...base, auctionFormat: 1, revealWindow: 86_401 }).success).toBe(false);
    expect(orderSchema.safeParse({ ...base, auctionFormat: 1, revealWindow: 300 }).success).toBe(true);
  });

  it("defaults the integrity fields of an order that omits them", () => {
    const { startDeadline, auctionFormat, revealWindow, minReputation, ...legacy } = serializeOrder(
      sampleOrder(),
    );
    expect([startDeadline, auctionFormat, revealWindow, minReputation]).toEqual([900, 1, 120, 40]);
    const parsed = orderSchema.parse(legacy);
    expect(parsed).toMatchObject({ startDeadline: 600, auctionFormat: 0, revealWindow: 0, minReputation: 0 });
  });

  it("converts bytes32 text both ways", () => {
    expect(fromBytes32Text(toBytes32Text("eu-west"))).toBe("eu-west");
  });
});
