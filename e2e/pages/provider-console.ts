import type { Page } from "@playwright/test";

// Page object of the provider console (/provider) and a cluster's page.

export class ProviderConsolePage {
  constructor(private readonly page: Page) {}

  goto() {
    return this.page.goto("/provider");
  }

  console() {
    return this.page.getByTestId("provider-console");
  }

  empty() {
    return this.page.getByTestId("provider-empty");
  }

  clusterCards() {
    return this.page.getByTestId("cluster-card");
  }

  leaseRow(leaseId: bigint | string) {
    return this.page.locator(`[data-testid="lease-row"][data-lease="${leaseId}"]`);
  }

  decisionRows(orderId: bigint | string) {
    return this.page.locator(`[data-testid="decision-row"][data-order="${orderId}"]`);
  }

  withdrawAll() {
    return this.page.getByTestId("withdraw-all");
  }

  withdrawDone() {
    return this.page.getByTestId("withdraw-done");
  }

  async screenshot(name: string) {
    await this.page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });
  }
}
