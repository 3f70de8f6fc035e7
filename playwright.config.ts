import { defineConfig } from "@playwright/test";

// E2E against a production build (`next build` first), on an isolated local stack that
// e2e/global-setup.ts starts: fresh data directory, anvil, the simulator, seeded providers.
// Chromium is Debian's (/usr/bin/chromium, or CHROMIUM_PATH): Playwright's own download is not
// reachable from these machines.

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  outputDir: process.env.PW_OUTPUT_DIR || "test-results",
  globalSetup: "./e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1, // one shared chain and stack; 2-core machines
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    headless: true,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
      ],
    },
  },
});
