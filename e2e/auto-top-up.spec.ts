import { devRoles } from "../lib/chain/dev-accounts";
import { expect, test } from "./fixtures";
import { TenantDeployPage } from "./pages/tenant-pages";

// Auto top-up and deploy keys on the lease page, on the shared stack: the tenant (e2e wallet 1) deploys
// the web template, sets a rule whose runway threshold is far above the lease's runway, and the server's
// keeper tops the escrow up to the cap with nobody clicking; then it adds a deploy key for the lease and
// revokes it.

test("the keeper tops a lease up under the tenant's rule; the tenant adds and revokes a deploy key", async ({
  page,
  wallet,
}) => {
  test.setTimeout(180_000);
  const tenant = await wallet.use(1);
  const key = devRoles.e2e[1];
  expect(key.address).toBe(tenant);

  // A year-long lease of the web template (≈ 0.01 USD/h) with 1 USD of escrow: about a hundred hours of
  // runway, never the whole lease, so a rule with a 999 h threshold is due at once.
  const deploy = new TenantDeployPage(page);
  await deploy.goto();
  await wallet.connect();
  await deploy.chooseTemplate("web");
  await deploy.setBidWindow(15);
  await page.getByTestId("field-duration").fill("8760");
  await page.getByTestId("field-deposit").fill("1");
  await expect(deploy.eligibleRows().first()).toBeVisible();
  await deploy.submit();
  await expect(page).toHaveURL(/\/orders\/\d+$/, { timeout: 60_000 });
  const orderId = /\/orders\/(\d+)$/.exec(page.url())?.[1] ?? "";
  await expect(page.getByTestId("bid-row").first()).toBeVisible({ timeout: 30_000 });
  await page.getByTestId("accept-bid").click();
  await expect(page).toHaveURL(new RegExp(`/leases/${orderId}$`), { timeout: 30_000 });
  await page.getByTestId("sign-in").click();
  const card = page.getByTestId("auto-top-up");
  await expect(card).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("escrow-total")).toHaveText(/^1\.00 · /);
  await expect(page.getByTestId("auto-top-up-rule")).toContainText("None");
  await expect(page.getByTestId("auto-top-up-used")).toHaveText("0.00 · — USD");

  // Inline validation before any wallet prompt.
  const save = page.getByTestId("auto-top-up-save");
  for (const [field, text, error] of [
    ["auto-top-up-amount", "0", "The amount must be more than 0."],
    ["auto-top-up-cap", "0.5", "The cap must be at least one top-up's amount."],
    ["auto-top-up-minutes", "60", "Minutes go up to 59."],
  ] as const) {
    await page.getByTestId("auto-top-up-amount").fill("1");
    await page.getByTestId("auto-top-up-cap").fill("3");
    await page.getByTestId("auto-top-up-minutes").fill("0");
    await page.getByTestId(field).fill(text);
    await expect(card.getByRole("alert")).toHaveText(error);
    await expect(save).toBeDisabled();
  }

  // 1 USD per top-up, 3 USD in all, when the runway is under 999 h: due at once, every tick.
  await page.getByTestId("auto-top-up-amount").fill("1");
  await page.getByTestId("auto-top-up-cap").fill("3");
  await page.getByTestId("auto-top-up-hours").fill("999");
  await page.getByTestId("auto-top-up-minutes").fill("0");
  await expect(card.getByRole("alert")).toHaveCount(0);
  await save.click();
  // The wallet had no allowance left after the deposit: approve, then set, then confirmed.
  await expect(page.getByTestId("step-confirmed")).toHaveAttribute("data-state", "done", { timeout: 30_000 });
  await expect(page.getByTestId("step-approve")).toHaveAttribute("data-state", "done");

  // Nobody clicks: the keeper adds 1 USD per tick until the cap, and the escrow shows 4 USD.
  await expect(page.getByTestId("escrow-total")).toHaveText(/^4\.00 · /, { timeout: 60_000 });
  await expect(page.getByTestId("auto-top-up-used")).toHaveText("3.00 · 3.00 USD", { timeout: 15_000 });
  await expect(page.getByTestId("auto-top-up-rule")).toContainText(
    "Adds 1.00 USD when the runway is below 41d 15h",
  );
  await expect(page.getByTestId("auto-top-up-cap-reached")).toBeVisible();
  // The approval was the cap: the three top-ups drew it all.
  await expect(page.getByTestId("auto-top-up-allowance")).toHaveText("0.00 USD", { timeout: 15_000 });

  // Deploy keys: a bad address is refused inline; a good one is added for this lease, then revoked.
  const keys = page.getByTestId("deploy-keys");
  await expect(page.getByTestId("deploy-keys-empty")).toBeVisible();
  await page.getByTestId("deploy-key-address").fill("0x1234");
  await expect(keys.getByRole("alert")).toContainText("Not an address");
  await expect(page.getByTestId("deploy-key-add")).toBeDisabled();
  await page.getByTestId("deploy-key-address").fill(tenant);
  await expect(keys.getByRole("alert")).toContainText("your own address");
  const ci = devRoles.e2e[2].address;
  await page.getByTestId("deploy-key-address").fill(ci);
  await page.getByTestId("deploy-key-scope").selectOption("lease");
  await page.getByTestId("deploy-key-add").click();
  await expect(page.getByTestId("deploy-key")).toHaveCount(1, { timeout: 30_000 });
  await expect(page.getByTestId("deploy-key")).toContainText("this lease");
  await page.getByTestId("deploy-key-revoke").click();
  await expect(page.getByTestId("deploy-keys-empty")).toBeVisible({ timeout: 30_000 });
});
