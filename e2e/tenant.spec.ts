import { mkdirSync } from "node:fs";
import { expect, TestWallet, test, watchHydration } from "./fixtures";
import { expectNonDecreasing, expectNonIncreasing, sample } from "./helpers/figures";
import { shoot, TenantDeployPage, TenantLeasePage } from "./pages/tenant-pages";

// The tenant journey on the shared stack: browse the market, deploy the web template with the test
// wallet (e2e wallet 2), watch the seeded providers' bid engine bid, accept the best bid, see the pod
// Running with its CPU and memory charts moving and its logs streaming, top up, close and see the
// refund. Another wallet (e2e wallet 1) gets 403 from every route of that lease and a "not yours" page.

mkdirSync("e2e/screenshots", { recursive: true });

let leaseId = "";

test.describe
  .serial("tenant journey", () => {
    test("a tenant deploys, wins an auction and watches its pod live, then tops up and closes", async ({
      page,
      wallet,
    }) => {
      test.setTimeout(240_000);
      await wallet.use(2);

      // Market: capacity from the seeded providers' inventory snapshots.
      await page.goto("/");
      await expect(async () => {
        await page.reload();
        await expect(page.getByTestId("market-totals")).toBeVisible({ timeout: 1000 });
      }).toPass({ timeout: 30_000 });
      await expect(page.getByTestId("provider-row").first()).toBeVisible();
      await expect(page.getByTestId("market-regions")).toContainText("us-east-2");
      // The providers table filters on the server: one region, then a GPU model nobody in it has.
      await page.getByTestId("filter-region").selectOption("us-east-2");
      await expect(page.getByTestId("provider-row")).toHaveCount(1);
      await expect(page.getByTestId("provider-row")).toContainText("us-east-2");
      await page.getByTestId("filter-cpu").fill("100000");
      await expect(page.getByTestId("provider-row")).toHaveCount(0);
      await expect(page.getByText("No provider matches these filters.")).toBeVisible();
      await page.getByTestId("filter-cpu").fill("");
      await page.getByTestId("filter-region").selectOption("");
      await expect(page.getByTestId("provider-row").first()).toBeVisible();
      await shoot(page, "market", { dark: true });

      // Deploy the web template.
      const deploy = new TenantDeployPage(page);
      await deploy.goto();
      await wallet.connect();
      await deploy.chooseTemplate("web");
      await deploy.setBidWindow(25);
      await expect(deploy.eligibleRows().first()).toBeVisible();
      await expect(page.getByTestId("order-summary")).toContainText("nginx:1.27");
      // Inline validation: a bad image is flagged, then fixed.
      await page.getByTestId("field-services.0.image").fill("Not An Image!");
      await expect(page.locator('[id="m-services.0.image-error"]')).toContainText(
        "not a valid container image reference",
      );
      await expect(page.getByTestId("deploy-submit")).toBeDisabled();
      await page.getByTestId("field-services.0.image").fill("nginx:1.27");
      await shoot(page, "deploy", { dark: true });
      await deploy.submit();
      // approve → sign → submit → confirmed, then the page moves on to the auction.
      await expect(page.getByTestId("step-approve")).toHaveAttribute("data-state", /active|done/);
      await expect(page).toHaveURL(/\/orders\/\d+$/, { timeout: 60_000 });
      const orderId = /\/orders\/(\d+)$/.exec(page.url())?.[1] ?? "";

      // Auction: the seeded providers' bid engine bids; accept the best bid.
      await expect(page.getByTestId("bid-row").first()).toBeVisible({ timeout: 30_000 });
      await expect(page.getByTestId("best-price")).toContainText("/h");
      await expect(page.getByTestId("countdown")).toBeVisible();
      await shoot(page, "auction", { dark: true });
      await page.getByTestId("accept-bid").click();
      await expect(page).toHaveURL(new RegExp(`/leases/${orderId}$`), { timeout: 30_000 });
      leaseId = orderId;

      // Lease: sign in, then the pod runs, charts move, logs stream.
      await page.getByTestId("sign-in").click();
      await expect(page.getByTestId("lease-status")).toBeVisible({ timeout: 30_000 });
      const lease = new TenantLeasePage(page);
      await expect(page.getByTestId("deploy-state")).toHaveText("running", { timeout: 60_000 });
      await expect(lease.podPhases().first()).toHaveText("Running");
      // The web template asks 0.5 CPU and 512 MiB per replica.
      await expect(page.getByTestId("pod-row").first()).toContainText("0.5 cores · 512 MiB");
      await expect(page.getByTestId("timeline-running")).toHaveAttribute("data-done", "true");
      await expect.poll(() => lease.chartPoints("cpu"), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
      const cpuPoints = await lease.chartPoints("cpu");
      await expect.poll(() => lease.chartPoints("cpu"), { timeout: 20_000 }).toBeGreaterThan(cpuPoints);
      await expect.poll(() => lease.chartPoints("memory"), { timeout: 10_000 }).toBeGreaterThan(1);
      await expect.poll(() => lease.logLines(), { timeout: 20_000 }).toBeGreaterThan(0);
      const lines = await lease.logLines();
      await expect.poll(() => lease.logLines(), { timeout: 30_000 }).toBeGreaterThan(lines);
      await expect(page.getByTestId("endpoints")).toContainText(":80/TCP");
      await expect(page.getByTestId("live-dot")).toHaveAttribute("data-live", "true");
      await shoot(page, "lease", { dark: true });

      // Escrow figures computed from chain time: sampled across several 2 s polls, spent only
      // grows and the balance only shrinks; both move (the lease accrues every second).
      const spent = await sample(page.getByTestId("escrow-spent"), 8, 800, page);
      const left = await sample(page.getByTestId("escrow-left"), 8, 800, page);
      expectNonDecreasing(spent, "spent");
      expectNonIncreasing(left, "balance left");
      expect(spent.at(-1) as bigint).toBeGreaterThan(spent[0] as bigint);
      expect(left.at(-1) as bigint).toBeLessThan(left[0] as bigint);
      // The server renders the same figures the browser hydrates (the fixture fails on a mismatch).
      await page.reload();
      await expect(page.getByTestId("escrow-spent")).toBeVisible();

      // Bad top-up amounts are refused inline, before any wallet prompt.
      for (const [text, error] of [
        ["0", /more than 0/],
        ["-2", /more than 0/],
        ["ten", /Enter a number/],
        ["1.1234567", /At most 6 decimals/],
        ["100000000", /Your wallet holds/],
      ] as const) {
        await page.getByTestId("topup-amount").fill(text);
        await expect(page.getByTestId("topup-error"), text).toContainText(error);
        await expect(page.getByTestId("topup")).toBeDisabled();
      }

      // Top up: the escrow grows by 1 USD.
      const before = await lease.escrowTotal();
      await page.getByTestId("topup-amount").fill("1");
      await expect(page.getByTestId("topup-error")).toHaveCount(0);
      await page.getByTestId("topup").click();
      await expect.poll(() => lease.escrowTotal(), { timeout: 30_000 }).not.toBe(before);

      // Close: the unspent escrow comes back.
      await page.getByTestId("close-lease").click();
      await expect(page.getByTestId("close-refund")).toContainText("Refunded", { timeout: 30_000 });
      await expect(page.getByTestId("lease-status")).toHaveText("closed", { timeout: 30_000 });
      await expect(page.getByTestId("deploy-state")).toHaveText("torn down", { timeout: 30_000 });
      // A closed lease looks closed: no pod, no endpoint, no live dot, nothing left in escrow; the
      // same after a reload (server render, then no live read).
      for (const pass of ["live", "reloaded"]) {
        if (pass === "reloaded") await page.reload();
        await expect(page.getByTestId("lease-status"), pass).toHaveText("closed");
        await expect(page.getByTestId("pod-row"), pass).toHaveCount(0);
        await expect(page.getByTestId("endpoints"), pass).toContainText("No service exposed.");
        await expect(page.getByTestId("live-dot"), pass).toHaveAttribute("data-live", "false");
        await expect(page.getByTestId("escrow-left"), pass).toHaveText("0.00 USD");
        await expect(page.getByTestId("runway"), pass).toHaveText("closed");
      }
      await shoot(page, "lease-closed");

      await page.goto("/leases");
      await expect(page.getByTestId("lease-item").first()).toBeVisible();
      await shoot(page, "leases");
    });

    test("another wallet gets 403 from every route of the lease and a 'not yours' page", async ({
      browser,
    }) => {
      expect(leaseId).not.toBe("");
      const context = await browser.newContext({ baseURL: process.env.BASE_URL });
      const page = await context.newPage();
      const hydration = watchHydration(page);
      const other = new TestWallet(page);
      await other.use(1);
      await page.goto("/leases");
      await other.connect();
      await page.getByTestId("sign-in").click();
      await expect(page.getByTestId("leases-sign-in")).toBeHidden({ timeout: 20_000 });
      for (const path of ["", "/status", "/metrics", "/logs?pod=web-0", "/live"]) {
        const res = await page.request.get(`/api/leases/${leaseId}${path}`);
        expect(res.status(), path).toBe(403);
      }
      await page.goto(`/leases/${leaseId}`);
      await expect(page.getByTestId("not-yours")).toBeVisible();
      await shoot(page, "not-yours");
      hydration.check();
      await context.close();
    });
  });
