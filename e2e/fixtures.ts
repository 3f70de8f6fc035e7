import { readFileSync } from "node:fs";
import { test as base, expect, type Page } from "@playwright/test";
import type { StackInfo } from "../dev/stack";
import { TEST_WALLET_ACCOUNT_KEY, TEST_WALLET_ACCOUNTS } from "../lib/wagmi/test-wallet";

// Fixtures shared by every spec: the running stack's coordinates and a test wallet. The wallet is
// wagmi's `mock` connector (enabled by ENABLE_TEST_WALLET in the stack) acting as one of anvil's
// dev accounts; anvil itself signs, so signatures and transactions are real.

export type WalletIndex = 0 | 1 | 2;

export const test = base.extend<{ stack: StackInfo; wallet: TestWallet }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright requires an object pattern for fixture dependencies
  baseURL: async ({}, use) => {
    await use(process.env.BASE_URL);
  },
  // biome-ignore lint/correctness/noEmptyPattern: Playwright requires an object pattern for fixture dependencies
  stack: async ({}, use) => {
    const file = process.env.E2E_STACK_INFO;
    if (!file) throw new Error("E2E_STACK_INFO is not set: run through playwright.config.ts (global setup)");
    await use(JSON.parse(readFileSync(file, "utf8")) as StackInfo);
  },
  wallet: async ({ page }, use) => {
    await use(new TestWallet(page));
  },
});

export class TestWallet {
  constructor(private readonly page: Page) {}

  /** Which dev account the wallet acts as; call before the first navigation. */
  async use(index: WalletIndex): Promise<`0x${string}`> {
    await this.page.addInitScript(
      ([key, value]) => window.localStorage.setItem(key as string, value as string),
      [TEST_WALLET_ACCOUNT_KEY, String(index)],
    );
    return TEST_WALLET_ACCOUNTS[index];
  }

  async connect(): Promise<void> {
    await this.page.getByTestId("wallet-connect").click();
    await this.page.getByTestId("connector-mock").click();
    await expect(this.page.getByTestId("wallet-address")).toBeVisible();
  }
}

export { expect };
