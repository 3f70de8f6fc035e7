import type { Address, Hex } from "viem";
import { attributeId, GPU_KEY, type Order, REGION_KEY, toBytes32Text } from "@/lib/chain/order-types";
import type { IntegrityOrderFields } from "@/lib/market/integrity-terms";
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
  /** Auction format, reveal window, start deadline, minimum reputation; default an open auction, 600 s, 0. */
  integrity?: IntegrityOrderFields;
}

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
  };
  return { order, manifest, json, specHash };
}

function randomNonce(): bigint {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return BigInt(`0x${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`);
}
