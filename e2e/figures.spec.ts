import { expect, test } from "./fixtures";
import { parseBytes, parseCores } from "./helpers/figures";

// Figures users can trust, on pages anyone can open: the market's capacity reads what the API counts
// (a 40-core provider is "40 cores", memory in binary units), and unknown order and lease ids are a
// 404 page after one check instead of a page that waits forever. The escrow figures, top-up errors,
// closed leases and withdrawable amounts are checked in the tenant and provider journeys. Every page
// visited fails the test on a hydration warning (fixtures.ts).

interface MarketRow {
  name: string | null;
  address: string;
  free: { cpuMillis: number; memoryBytes: number };
}

test("the market's free CPU and memory read what the API counts", async ({ page }) => {
  await page.goto("/");
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("provider-row").first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  const api = (await (await page.request.get("/api/market")).json()) as {
    providers: { rows: MarketRow[] };
  };
  const rows = api.providers.rows;
  expect(rows.length).toBeGreaterThan(0);
  // At least one seeded provider has tens of cores free: the case that read "4 cores" for 40.
  expect(Math.max(...rows.map((r) => r.free.cpuMillis))).toBeGreaterThanOrEqual(10_000);
  for (const p of rows) {
    const row = page.getByTestId("provider-row").filter({ hasText: p.name ?? p.address.slice(0, 6) });
    await expect(row).toHaveCount(1);
    const cpuText = (await row.getByTestId("provider-free-cpu").textContent()) ?? "";
    const memText = (await row.getByTestId("provider-free-memory").textContent()) ?? "";
    const cores = p.free.cpuMillis / 1000;
    const bytes = p.free.memoryBytes;
    // Rounded to at most 2 significant decimals: within 0.6 % (or 1 millicore) of the real amount.
    expect(Math.abs(parseCores(cpuText) - cores), `${p.name}: ${cpuText} for ${cores}`).toBeLessThanOrEqual(
      Math.max(cores * 0.006, 0.001),
    );
    expect(Math.abs(parseBytes(memText) - bytes), `${p.name}: ${memText} for ${bytes} B`).toBeLessThanOrEqual(
      bytes * 0.006,
    );
    if (bytes > 0) expect(memText).not.toMatch(/^0(\.0+)?\s/);
    // Below 1 GiB the page says MiB, never "0 GiB" or "0.5 GiB".
    if (bytes > 0 && bytes < 2 ** 30) expect(memText).toMatch(/MiB|KiB|B$/);
  }
});

test("unknown order and lease ids answer 404 with a not-found page, and stop there", async ({ page }) => {
  for (const path of ["/orders/99999", "/leases/99999"]) {
    const polls: string[] = [];
    page.on("request", (request) => {
      if (/\/(api\/)?(orders|leases)\/99999/.test(request.url())) polls.push(request.url());
    });
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByTestId("not-found")).toBeVisible();
    await expect(page.getByTestId("order-waiting").or(page.getByTestId("lease-waiting"))).toHaveCount(0);
    // Nothing keeps asking: after the one page load, no request for that id in the next seconds.
    const after = polls.length;
    await page.waitForTimeout(4_000);
    expect(polls.slice(after), `${path} kept polling`).toEqual([]);
    page.removeAllListeners("request");
  }
});
