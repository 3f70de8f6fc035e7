// Kubernetes resource quantities ("500m", "2", "1Gi", "1500Mi", "100n", "12345Ki", "1e3") parsed
// exactly: the value is kept as a BigInt fraction so "0.1" CPU is 100m, not 100.00000000000001m, and
// converted to whole units rounding up, as Kubernetes' MilliValue()/Value() do.

const binary: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
const decimalExp: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

interface Fraction {
  num: bigint;
  den: bigint;
}

function parseFraction(q: string): Fraction {
  const m = QUANTITY.exec(q.trim());
  if (!m) throw new RangeError(`invalid quantity "${q.slice(0, 40)}"`);
  const [, sign = "", mantissa = "", suffix = ""] = m;
  const [intPart = "", fracPart = ""] = mantissa.split(".");
  let num = BigInt(`${intPart || "0"}${fracPart}`) * (sign === "-" ? -1n : 1n);
  let den = 10n ** BigInt(fracPart.length);
  const bin = binary[suffix];
  if (bin !== undefined) {
    num *= bin;
  } else {
    const exp = suffix in decimalExp ? (decimalExp[suffix] ?? 0) : Number(suffix.slice(1));
    if (!Number.isSafeInteger(exp) || Math.abs(exp) > 30)
      throw new RangeError(`quantity exponent out of range "${q}"`);
    if (exp >= 0) num *= 10n ** BigInt(exp);
    else den *= 10n ** BigInt(-exp);
  }
  return { num, den };
}

function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a > 0n ? q + 1n : q;
}

/** The quantity in `scale` units (1 = base units, 1000 = milli-units), rounded up to an integer. */
export function parseQuantity(q: string | number, scale = 1): number {
  if (typeof q === "number") return Math.ceil(q * scale);
  const { num, den } = parseFraction(q);
  return Number(ceilDiv(num * BigInt(scale), den));
}

/** CPU in millicores ("500m" → 500, "2" → 2000, "100n" → 1). */
export function cpuMillis(q: string | number): number {
  return parseQuantity(q, 1000);
}

/** Memory (or any byte quantity) in bytes ("1Gi" → 1073741824, "1500Mi", "12345Ki", "1G"). */
export function memoryBytes(q: string | number): number {
  return parseQuantity(q, 1);
}

/** Like `parseQuantity` but 0 for an absent or malformed value: for reading other people's objects. */
export function quantityOrZero(q: string | number | undefined | null, scale = 1): number {
  if (q === undefined || q === null || q === "") return 0;
  try {
    return parseQuantity(q, scale);
  } catch {
    return 0;
  }
}
