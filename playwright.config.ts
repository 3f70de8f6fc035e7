import { defineConfig } from "@playwright/test";
import { findChromium, NO_CHROMIUM_HELP } from "./dev/find-chromium";

// E2E against a production build (`next build` first), on an isolated local stack that
// e2e/global-setup.ts starts: fresh data directory, anvil, the simulator, seeded providers.
// Chromium: CHROMIUM_PATH, else the system's (Debian's /usr/bin/chromium here: Playwright's own
// download is not reachable from these machines), else Playwright's own (dev/find-chromium.ts).

const executablePath = findChromium();
if (!executablePath) throw new Error(NO_CHROMIUM_HELP);

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
      executablePath,
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
