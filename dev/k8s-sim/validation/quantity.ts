// resource.Quantity as kube-apiserver parses it (staging/src/k8s.io/apimachinery/pkg/api/resource/
// quantity.go ParseQuantity): the regular expression first, then the numeric part, then the suffix
// (binary Ki…Ei, decimal n u m k M G T P E, or an exponent e<int>/E<int>). A bad quantity is a
// decoding error (400 BadRequest), not a validation error: decode.ts turns these into that.

export const ERR_FORMAT =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const ERR_NUMERIC = "unable to parse numeric part of quantity";
const ERR_SUFFIX = "unable to parse quantity's suffix";

const SUFFIX: Record<string, number> = {
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

export type QuantityResult = { ok: true; value: number; text: string } | { ok: false; error: string };

/** Quantity.UnmarshalJSON accepts a JSON string or a bare JSON number. */
export function parseQuantityStrict(q: unknown): QuantityResult {
  let s: string;
  if (typeof q === "number" && Number.isFinite(q)) s = String(q);
  else if (typeof q === "string") s = q.trim();
  else return { ok: false, error: ERR_FORMAT };
  const m = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/.exec(s);
  if (!m) return { ok: false, error: ERR_FORMAT };
  const num = m[1]!;
  const suf = m[2]!;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(num)) return { ok: false, error: ERR_NUMERIC };
  let mult: number | undefined = SUFFIX[suf];
  if (mult === undefined) {
    const e = /^[eE]([-+]?\d+)$/.exec(suf);
    if (!e) return { ok: false, error: ERR_SUFFIX };
    mult = 10 ** Number(e[1]);
  }
  return { ok: true, value: Number(num) * mult, text: s };
}
