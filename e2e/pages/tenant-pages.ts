import { expect, type Page } from "@playwright/test";
import type { DeployTemplate } from "../../lib/market/templates";

// Page objects for the tenant journey: market, deploy, auction, lease.

export async function shoot(page: Page, name: string, opts: { dark?: boolean } = {}): Promise<void> {
  await page.screenshot({ path: `e2e/screenshots/tenant-${name}.png`, fullPage: true });
  if (opts.dark) {
    await page.getByTestId("theme-toggle").click();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `e2e/screenshots/tenant-${name}-dark.png`, fullPage: true });
    await page.getByTestId("theme-toggle").click();
  }
}

export class TenantDeployPage {
  constructor(private readonly page: Page) {}
  async goto() {
    await this.page.goto("/deploy");
    await expect(this.page.getByRole("heading", { name: "Deploy", level: 1 })).toBeVisible();
  }
  async chooseTemplate(id: DeployTemplate["id"]) {
    await this.page.getByTestId(`template-${id}`).click();
  }
  async setBidWindow(seconds: number) {
    await this.page.getByTestId("field-bid-window").fill(String(seconds));
  }
  eligibleRows() {
    return this.page.locator('[data-testid="screening-row"][data-eligible="true"]');
  }
  async submit() {
    await this.page.getByTestId("deploy-submit").click();
  }
}

export class TenantLeasePage {
  constructor(private readonly page: Page) {}
  podPhases() {
    return this.page.getByTestId("pod-phase");
  }
  async chartPoints(kind: "cpu" | "memory"): Promise<number> {
    return Number((await this.page.getByTestId(`${kind}-chart`).first().getAttribute("data-points")) ?? "0");
  }
  async logLines(): Promise<number> {
    return Number((await this.page.getByTestId("log-lines").getAttribute("data-lines")) ?? "0");
  }
  async escrowTotal(): Promise<string> {
    return (await this.page.getByTestId("escrow-total").textContent()) ?? "";
  }
}
