import { expect, type Locator, type Page } from "@playwright/test";

// Reading figures back from the page as numbers, independently of the app's own formatter, so a
// test can compare what is shown with what the API counts, or check that a value only moves one way.

const BYTE_UNITS: Record<string, number> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };

/** "40 cores" / "1 core" → 40 / 1. */
export function parseCores(text: string): number {
  const m = /([\d.,]+)\s*cores?\b/.exec(text);
  if (!m?.[1]) throw new Error(`no cores in ${JSON.stringify(text)}`);
  return Number(m[1].replace(/,/g, ""));
}

/** "512 MiB" / "1.5 GiB" → bytes. */
export function parseBytes(text: string): number {
  const m = /([\d.,]+)\s*(B|KiB|MiB|GiB|TiB)\b/.exec(text);
  if (!m?.[1] || !m[2]) throw new Error(`no byte amount in ${JSON.stringify(text)}`);
  return Number(m[1].replace(/,/g, "")) * (BYTE_UNITS[m[2]] ?? Number.NaN);
}

/** "1,234.567890 USD" → base units (6 decimals), exactly. */
export function parseToken(text: string): bigint {
  const m = /([\d,]+)\.(\d+)/.exec(text);
  if (!m?.[1] || m[2] === undefined) throw new Error(`no token amount in ${JSON.stringify(text)}`);
  return BigInt(m[1].replace(/,/g, "")) * 1_000_000n + BigInt(m[2].padEnd(6, "0").slice(0, 6));
}

/** `count` readings of a figure, `everyMs` apart (long enough to span several polls). */
export async function sample(
  locator: Locator,
  count: number,
  everyMs: number,
  page: Page,
): Promise<bigint[]> {
  const values: bigint[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await page.waitForTimeout(everyMs);
    values.push(parseToken((await locator.textContent()) ?? ""));
  }
  return values;
}

export function expectNonDecreasing(values: bigint[], what: string) {
  for (let i = 1; i < values.length; i++)
    expect(values[i] as bigint, `${what} went down: ${values.join(", ")}`).toBeGreaterThanOrEqual(
      values[i - 1] as bigint,
    );
}

export function expectNonIncreasing(values: bigint[], what: string) {
  for (let i = 1; i < values.length; i++)
    expect(values[i] as bigint, `${what} went up: ${values.join(", ")}`).toBeLessThanOrEqual(
      values[i - 1] as bigint,
    );
}
