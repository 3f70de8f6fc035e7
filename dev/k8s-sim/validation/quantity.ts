// resource.Quantity as kube-apiserver parses it (staging/src/k8s.io/apimachinery/pkg/api/resource/
// quantity.go ParseQuantity): the regular expression first, then the numeric part, then the suffix
// (binary Ki…Ei, decimal n u m k M G T P E, or an exponent e<int>/E<int>). A bad quantity is a
// decoding error (400 BadRequest), not a validation error: decode.ts turns these into that.

export const ERR_FORMAT =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const ERR_NUMERIC = "unable to parse numeric part of quantity";
const ERR_SUFFIX = "unable to parse quantity's suffix";

/** Each quantity suffix's multiplier (resource.Quantity: decimal SI, binary SI). */
export const QUANTITY_SUFFIXES: Record<string, number> = {
  "": 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** `text` is the canonical form (Quantity.String()), as messages print it. */
export type QuantityResult = { ok: true; value: number; text: string } | { ok: false; error: string };

/**
 * Quantity.UnmarshalJSON accepts a JSON string or a bare JSON number; ParseQuantity scans
 * sign, digits, an optional "." and digits, then a suffix of [eEinumkKMGTP]* with an optional
 * signed exponent (parseQuantityString), then interprets the suffix.
 */
export function parseQuantityStrict(q: unknown): QuantityResult {
  let s: string;
  if (typeof q === "number" && Number.isFinite(q)) s = String(q);
  else if (typeof q === "string") s = q.trim();
  else return { ok: false, error: ERR_FORMAT };
  const m = /^([+-]?)(\d*)(?:\.(\d*))?([eEinumkKMGTP]*)([-+]?\d*)$/.exec(s);
  if (!s || !m || (!m[2] && !m[3])) return { ok: false, error: ERR_FORMAT };
  const suf = `${m[4]}${m[5]}`;
  let mult: number | undefined = QUANTITY_SUFFIXES[suf];
  if (mult === undefined) {
    const e = /^[eE]([-+]?\d+)$/.exec(suf);
    if (!e) return { ok: false, error: ERR_SUFFIX };
    mult = 10 ** Number(e[1]);
  }
  const num = Number(`${m[1]}${m[2] || "0"}.${m[3] || "0"}`);
  if (!Number.isFinite(num)) return { ok: false, error: ERR_NUMERIC };
  return { ok: true, value: num * mult, text: canonicalQuantity(s) };
}

const DEC_SUFFIX: Record<number, string> = {
  [-9]: "n",
  [-6]: "u",
  [-3]: "m",
  0: "",
  3: "k",
  6: "M",
  9: "G",
  12: "T",
  15: "P",
  18: "E",
};
const BIN_SUFFIX = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

/**
 * Quantity.String(): the canonical form kube-apiserver prints in messages ("2000m" → "2",
 * "1024Mi" → "1Gi", "0.5" → "500m"). quantity.go CanonicalizeBytes: BinarySI stays binary when the
 * value is a whole number of at least 1024, else DecimalSI with an exponent that is a multiple of 3
 * (precision below nano rounded up). Exact with BigInt; an unparsable text is returned as is.
 */
export function canonicalQuantity(text: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?([a-zA-Z]*)([-+]?\d*)$/.exec(text.trim());
  if (!m) return text;
  const sign = m[1] === "-" ? -1n : 1n;
  const frac = m[3] ?? "";
  let mant = BigInt(`${m[2] || "0"}${frac}` || "0");
  let exp10 = -frac.length;
  let bin = 0;
  const suf = `${m[4]}${m[5]}`;
  const format = /^[KMGTPE]i$/.test(suf) ? "BinarySI" : /^[eE]/.test(suf) ? "DecimalExponent" : "DecimalSI";
  if (format === "BinarySI") bin = BIN_SUFFIX.indexOf(suf);
  else if (format === "DecimalExponent") exp10 += Number(suf.slice(1));
  else {
    const e = Object.entries(DEC_SUFFIX).find(([, s]) => s === suf);
    if (!e) return text;
    exp10 += Number(e[0]);
  }
  if (mant === 0n) return "0";
  // exact value = mant * 10^exp10 * 1024^bin
  if (format === "BinarySI") {
    const num = mant * 1024n ** BigInt(bin) * 10n ** BigInt(Math.max(0, exp10));
    const den = 10n ** BigInt(Math.max(0, -exp10));
    let bytes = num / den;
    if (num % den === 0n && bytes >= 1024n) {
      let k = 0;
      while (k < 6 && bytes % 1024n === 0n) {
        bytes /= 1024n;
        k++;
      }
      return `${sign < 0 ? "-" : ""}${bytes}${BIN_SUFFIX[k]}`;
    }
  }
  // to DecimalSI: value = mant * 10^exp10 (binary multiplied out)
  mant *= 1024n ** BigInt(bin);
  while (exp10 < -9) {
    // round up below nano
    const q = mant / 10n;
    mant = mant % 10n === 0n ? q : q + 1n;
    exp10++;
  }
  while (mant % 10n === 0n && mant !== 0n) {
    mant /= 10n;
    exp10++;
  }
  // lowest multiple of 3 not above exp10, capped at E
  let e3 = Math.floor(exp10 / 3) * 3;
  if (e3 > 18) e3 = 18;
  mant *= 10n ** BigInt(exp10 - e3);
  const out = format === "DecimalExponent" ? `${mant}${e3 ? `e${e3}` : ""}` : `${mant}${DEC_SUFFIX[e3]}`;
  return `${sign < 0 ? "-" : ""}${out}`;
}
