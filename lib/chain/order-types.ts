// The one definition of KubeBid's EIP-712 order: domain, types, zod schema and helpers, shared by the
// browser (signing), the server (relaying, indexing) and tests. Mirrors contracts/src/libraries/OrderLib.sol;
// order-types.test.ts proves viem's hash equals ComputeMarket.hashOrder.
import {
  type Address,
  encodeAbiParameters,
  type Hex,
  hashTypedData,
  hexToString,
  isAddress,
  keccak256,
  stringToHex,
  type TypedDataDomain,
} from "viem";
import { z } from "zod";

const ORDER_DOMAIN_NAME = "KubeBid ComputeMarket";
const ORDER_DOMAIN_VERSION = "1";

/** EIP-712 domain of a deployed ComputeMarket (orders and lease updates share it). */
export function orderDomain(chainId: number, verifyingContract: Address) {
  return {
    name: ORDER_DOMAIN_NAME,
    version: ORDER_DOMAIN_VERSION,
    chainId,
    verifyingContract,
  } as const satisfies TypedDataDomain;
}

/** EIP-712 types; field order and types must equal `OrderLib.ORDER_TYPE`. */
const orderTypes = {
  Order: [
    { name: "tenant", type: "address" },
    { name: "specHash", type: "bytes32" },
    { name: "cpuMillicores", type: "uint32" },
    { name: "memoryMiB", type: "uint32" },
    { name: "storageMiB", type: "uint32" },
    { name: "gpuCount", type: "uint16" },
    { name: "gpuModel", type: "bytes32" },
    { name: "requiredAttributes", type: "bytes32[]" },
    { name: "maxPricePerHour", type: "uint96" },
    { name: "duration", type: "uint32" },
    { name: "deposit", type: "uint96" },
    { name: "bidWindow", type: "uint32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
    { name: "startDeadline", type: "uint16" },
    { name: "auctionFormat", type: "uint8" },
    { name: "revealWindow", type: "uint32" },
    { name: "minReputation", type: "uint8" },
  ],
} as const;

const ORDER_PRIMARY_TYPE = "Order";

/** Mirrors the contract's bounds (`OrderLib.MAX_REQUIRED_ATTRIBUTES`, `ComputeMarket.MAX_BID_WINDOW`). */
export const MAX_REQUIRED_ATTRIBUTES = 8;
export const MAX_BID_WINDOW_SECONDS = 30 * 24 * 3600;

/** `Order.auctionFormat`: 0 open descending auction, 1 sealed-bid second-price (commit–reveal). */
export const AUCTION_FORMAT = { open: 0, sealed: 1 } as const;
export type AuctionFormat = (typeof AUCTION_FORMAT)[keyof typeof AUCTION_FORMAT];
/** Default seconds after settlement within which the start must be attested (the issue's 10 minutes). */
export const DEFAULT_START_DEADLINE_SECONDS = 600;
/** Contract bounds of `startDeadline` and of a sealed order's `revealWindow`. */
export const MIN_START_DEADLINE_SECONDS = 30;
export const MAX_START_DEADLINE_SECONDS = 65_535;
export const MAX_REVEAL_WINDOW_SECONDS = 86_400;
export const MAX_REPUTATION = 100;

const hexBytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "expected 0x-prefixed 32-byte hex")
  .transform((v) => v as Hex);

const uintNumber = (bits: 16 | 32) =>
  z
    .number()
    .int()
    .min(0)
    .max(2 ** bits - 1);

/** Accepts a bigint or a decimal string (JSON bodies) and yields a bigint within `bits`. */
const uintBig = (bits: 96 | 256) =>
  z
    .union([z.bigint(), z.string().regex(/^\d+$/, "expected a decimal integer string").transform(BigInt)])
    .refine((v) => v >= 0n && v < 1n << BigInt(bits), `out of range for uint${bits}`);

/** Zod schema of a signed order (as signed: the contract's own checks come on top). */
export const orderSchema = z
  .object({
    tenant: z
      .string()
      .refine((v) => isAddress(v), "invalid address")
      .transform((v) => v as Address),
    specHash: hexBytes32,
    cpuMillicores: uintNumber(32),
    memoryMiB: uintNumber(32),
    storageMiB: uintNumber(32),
    gpuCount: uintNumber(16),
    gpuModel: hexBytes32,
    requiredAttributes: z.array(hexBytes32).max(MAX_REQUIRED_ATTRIBUTES),
    maxPricePerHour: uintBig(96).refine(
      (v) => v > 0n && v < (1n << 96n) - 1n,
      "maxPricePerHour out of range",
    ),
    duration: uintNumber(32).refine((v) => v > 0, "duration must be > 0"),
    deposit: uintBig(96).refine((v) => v > 0n, "deposit must be > 0"),
    bidWindow: uintNumber(32).refine((v) => v > 0 && v <= MAX_BID_WINDOW_SECONDS, "bidWindow out of range"),
    nonce: uintBig(256),
    deadline: uintBig(256),
    startDeadline: uintNumber(16)
      .refine((v) => v >= MIN_START_DEADLINE_SECONDS, "startDeadline must be >= 30 seconds")
      .default(DEFAULT_START_DEADLINE_SECONDS),
    auctionFormat: uintNumber(16)
      .refine(
        (v): boolean => v === AUCTION_FORMAT.open || v === AUCTION_FORMAT.sealed,
        "auctionFormat must be 0 (open) or 1 (sealed)",
      )
      .default(AUCTION_FORMAT.open),
    /** 0 for an open auction; 1..86400 for a sealed one (checked below). */
    revealWindow: uintNumber(32)
      .refine((v) => v <= MAX_REVEAL_WINDOW_SECONDS, "revealWindow out of range")
      .default(0),
    minReputation: uintNumber(16)
      .refine((v) => v <= MAX_REPUTATION, "minReputation must be 0..100")
      .default(0),
  })
  .superRefine((order, ctx) => {
    const sealed = order.auctionFormat === AUCTION_FORMAT.sealed;
    if (sealed !== order.revealWindow > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["revealWindow"],
        message: sealed
          ? "a sealed auction needs a revealWindow of 1..86400 s"
          : "revealWindow must be 0 for an open auction",
      });
    }
  });

/** An order with viem's native types (bigint for uint96/uint256), ready for `signTypedData` and ABI calls. */
export type Order = z.output<typeof orderSchema>;
/** What `orderSchema` accepts (bigints may be decimal strings). */
export type OrderInput = z.input<typeof orderSchema>;

/** JSON-safe form of an order (bigints as decimal strings); `orderSchema.parse` reverses it. */
export function serializeOrder(order: Order): OrderInput {
  return {
    ...order,
    maxPricePerHour: order.maxPricePerHour.toString(),
    deposit: order.deposit.toString(),
    nonce: order.nonce.toString(),
    deadline: order.deadline.toString(),
  };
}

/** Typed-data payload for viem `signTypedData` / wagmi `useSignTypedData`. */
export function orderTypedData(order: Order, chainId: number, verifyingContract: Address) {
  return {
    domain: orderDomain(chainId, verifyingContract),
    types: orderTypes,
    primaryType: ORDER_PRIMARY_TYPE,
    message: order,
  } as const;
}

/** EIP-712 digest of an order: what the tenant signs and what `OrderCreated.orderHash` carries. */
export function hashOrder(order: Order, chainId: number, verifyingContract: Address): Hex {
  return hashTypedData(orderTypedData(order, chainId, verifyingContract));
}

/** Text → bytes32 (right-padded UTF-8), as the contract stores region, GPU model and attributes. */
export function toBytes32Text(text: string): Hex {
  return stringToHex(text, { size: 32 });
}

/** bytes32 → text, dropping the zero padding. */
export function fromBytes32Text(value: Hex): string {
  return hexToString(value, { size: 32 });
}

export const REGION_KEY = "region";
export const GPU_KEY = "gpu";

/** `OrderLib.attributeId`: keccak256(abi.encode(bytes32 key, bytes32 value)) of two texts. */
export function attributeId(key: string, value: string): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "bytes32" }, { type: "bytes32" }],
      [toBytes32Text(key), toBytes32Text(value)],
    ),
  );
}

/** `OrderLib.requirementsTag`: low 56 bits of keccak256(packed ids), 0 for none (1 if that would be 0). */
export function requirementsTag(requiredAttributes: readonly Hex[]): bigint {
  if (requiredAttributes.length === 0) return 0n;
  const packed = `0x${requiredAttributes.map((a) => a.slice(2)).join("")}` as Hex;
  const tag = BigInt(keccak256(packed)) & ((1n << 56n) - 1n);
  return tag === 0n ? 1n : tag;
}
