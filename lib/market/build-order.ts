import type { Address, Hex } from "viem";
import {
  AUCTION_FORMAT,
  type AuctionFormat,
  attributeId,
  DEFAULT_START_DEADLINE_SECONDS,
  GPU_KEY,
  type Order,
  REGION_KEY,
  toBytes32Text,
} from "@/lib/chain/order-types";
import { canonicalizeManifest, type Manifest, manifestTotals } from "@/lib/market/manifest";

// Turns a manifest and the tenant's terms into the EIP-712 order it signs: resources are the
// manifest's totals, specHash its canonical hash, requirements the region and GPU model asked for.
// Shared by the deploy page, the order benchmark and tests.

export interface BuildOrderOptions {
  tenant: Address;
  manifest: unknown;
  maxPricePerHour: bigint;
  deposit: bigint;
  durationSeconds: number;
  bidWindowSeconds: number;
  region?: string | null;
  nonce?: bigint;
  /** Unix seconds; default an hour from now. */
  deadline?: bigint;
  /** Seconds after settlement to attest the start; default `DEFAULT_START_DEADLINE_SECONDS` (600). */
  startDeadlineSeconds?: number;
  /** `AUCTION_FORMAT.open` (default) or `.sealed`. */
  auctionFormat?: AuctionFormat;
  /** Reveal window of a sealed auction (1..86400 s); ignored (0) for an open one. Default 300 when sealed. */
  revealWindowSeconds?: number;
  /** Lowest provider reputation (0..100) allowed to bid; default 0. */
  minReputation?: number;
}

/** Reveal window a sealed order gets when none is given. */
export const DEFAULT_REVEAL_WINDOW_SECONDS = 300;

export interface BuiltOrder {
  order: Order;
  manifest: Manifest;
  json: string;
  specHash: Hex;
}

const ZERO32 = `0x${"0".repeat(64)}` as Hex;

export function buildOrder(opts: BuildOrderOptions): BuiltOrder {
  const { manifest, json, specHash } = canonicalizeManifest(opts.manifest);
  const totals = manifestTotals(manifest);
  const required: Hex[] = [];
  if (opts.region) required.push(attributeId(REGION_KEY, opts.region));
  if (totals.gpuCount > 0 && totals.gpuModel) required.push(attributeId(GPU_KEY, totals.gpuModel));
  const sealed = opts.auctionFormat === AUCTION_FORMAT.sealed;
  const order: Order = {
    tenant: opts.tenant,
    specHash,
    cpuMillicores: totals.cpuMillis,
    memoryMiB: totals.memoryMiB,
    storageMiB: totals.storageMiB,
    gpuCount: totals.gpuCount,
    gpuModel: totals.gpuModel ? toBytes32Text(totals.gpuModel) : ZERO32,
    requiredAttributes: required,
    maxPricePerHour: opts.maxPricePerHour,
    duration: opts.durationSeconds,
    deposit: opts.deposit,
    bidWindow: opts.bidWindowSeconds,
    nonce: opts.nonce ?? randomNonce(),
    deadline: opts.deadline ?? BigInt(Math.floor(Date.now() / 1000) + 3600),
    startDeadline: opts.startDeadlineSeconds ?? DEFAULT_START_DEADLINE_SECONDS,
    auctionFormat: sealed ? AUCTION_FORMAT.sealed : AUCTION_FORMAT.open,
    revealWindow: sealed ? (opts.revealWindowSeconds ?? DEFAULT_REVEAL_WINDOW_SECONDS) : 0,
    minReputation: opts.minReputation ?? 0,
  };
  return { order, manifest, json, specHash };
}

function randomNonce(): bigint {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return BigInt(`0x${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`);
}
