import { expect, test } from "./fixtures";
import { createOrder } from "./helpers/create-order";

// The provider side of market integrity, seen by a tenant: every bid shows its provider's reputation
// and links to the provider's public page; the page shows the bond (from the contract), the
// reputation with its parts and the clusters; addresses that are not providers are a 404.

test.describe("provider reputation and public page", () => {
  test("a bid shows its provider's reputation and leads to the provider's page", async ({ page, stack }) => {
    const orderId = await createOrder({
      rpcUrl: stack.rpcUrl,
      marketAddress: stack.marketAddress,
      tokenAddress: stack.tokenAddress,
      bidWindowSeconds: 90,
    });
    await page.goto(`/orders/${orderId}`);
    const row = page.getByTestId("bid-row").first();
    await expect(row).toBeVisible({ timeout: 30_000 });
    const badge = row.getByTestId("bid-reputation");
    await expect(badge).toBeVisible();
    // The link's name carries the score and every part (or says there is none yet).
    await expect(badge).toHaveAttribute(
      "aria-label",
      /^(\d{1,3}\/100 reputation\. Cluster uptime: .+|new provider, no reputation yet)/,
    );

    await row.getByTestId("bid-provider-link").click();
    await expect(page).toHaveURL(/\/providers\/0x[0-9a-f]{40}$/);
    await expect(page.getByTestId("provider-profile")).toBeVisible();
    await expect(page.getByTestId("profile-reputation")).toBeVisible();
    await expect(page.getByTestId("profile-cluster").first()).toBeVisible();
    // The bond as the contract holds it, in token units.
    await expect(page.getByTestId("profile-bond-total")).toHaveText(/^[\d,]+\.\d{2,6} USD$/);
    await expect(page.getByTestId("profile-bond-coverage")).toContainText("winning bid locks");
  });

  test("the providers table links every provider to its page, with its reputation", async ({ page }) => {
    await page.goto("/");
    const row = page.getByTestId("provider-row").first();
    await expect(row).toBeVisible({ timeout: 30_000 });
    await expect(row.getByTestId("reputation")).toBeVisible();
    await row.getByTestId("reputation").focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/providers\/0x[0-9a-f]{40}$/);
    await expect(page.getByTestId("provider-profile")).toBeVisible();
  });

  test("an address that is not a provider, or not an address, is a 404", async ({ page }) => {
    for (const path of ["/providers/0x000000000000000000000000000000000000dEaD", "/providers/nope"]) {
      const response = await page.goto(path);
      expect(response?.status()).toBe(404);
      await expect(page.getByTestId("not-found")).toBeVisible();
    }
    const api = await page.request.get("/api/market/providers/0x000000000000000000000000000000000000dEaD");
    expect(api.status()).toBe(404);
    // A malformed path parameter is a 404 too (the route wrapper answers path errors so).
    expect((await page.request.get("/api/market/providers/nope")).status()).toBe(404);
  });
});
