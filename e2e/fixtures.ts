import { readFileSync } from "node:fs";
import { test as base, expect, type Page } from "@playwright/test";
import type { StackInfo } from "../dev/stack";
import { TEST_WALLET_ACCOUNT_KEY, TEST_WALLET_ACCOUNTS } from "../lib/wagmi/test-wallet";

// Fixtures shared by every spec: the running stack's coordinates and a test wallet. The wallet is
// wagmi's `mock` connector (enabled by ENABLE_TEST_WALLET in the stack) acting as one of anvil's
// dev accounts; anvil itself signs, so signatures and transactions are real.

export type WalletIndex = 0 | 1 | 2;

// React reports a server/client mismatch as a console error (production: minified errors #418, #419,
// #421, #422, #423, #425, each linking to react.dev/errors; development: "Hydration failed…").
const HYDRATION =
  /hydrat|react\.dev\/errors\/4(18|19|21|22|23|25)\b|Minified React error #4(18|19|21|22|23|25)\b/i;

/** Collects every hydration warning the page logs; `check()` fails the test if there was any. */
export function watchHydration(page: Page): { check: () => void } {
  const seen: string[] = [];
  page.on("console", (message) => {
    if ((message.type() === "error" || message.type() === "warning") && HYDRATION.test(message.text()))
      seen.push(`${page.url()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => {
    if (HYDRATION.test(`${error.message}\n${error.stack ?? ""}`))
      seen.push(`${page.url()}: ${error.message}`);
  });
  return {
    check: () => expect(seen, "hydration warnings in the browser console").toEqual([]),
  };
}

export const test = base.extend<{ stack: StackInfo; wallet: TestWallet }>({
  // Every page a test visits must render the same on the server and in the browser.
  page: async ({ page }, use) => {
    const hydration = watchHydration(page);
    await use(page);
    hydration.check();
  },
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
