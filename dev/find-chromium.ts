import { accessSync, constants } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

// Finds the Chromium that Playwright drives: CHROMIUM_PATH, else the system's, else Playwright's
// own download (where the network allowed `npx playwright install chromium`). `npm run test:e2e`
// runs this first, so a machine without a browser stops at once, before the production build,
// with the one command that fixes it.

const SYSTEM_CANDIDATES = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/snap/bin/chromium",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function playwrightsOwn(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const { chromium } = require("playwright-core") as { chromium: { executablePath(): string } };
    const file = chromium.executablePath();
    return file && isExecutable(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

export const NO_CHROMIUM_HELP = [
  "No Chromium found for the end-to-end tests.",
  "Install it with:  sudo apt-get install -y chromium   (Debian/Ubuntu)",
  "or, where the network allows it:  npx playwright install chromium",
  "or point CHROMIUM_PATH at a Chromium or Chrome binary.",
].join("\n");

/** The browser to drive, or undefined when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env.CHROMIUM_PATH;
  if (fromEnv) return isExecutable(fromEnv) ? fromEnv : undefined;
  return SYSTEM_CANDIDATES.find(isExecutable) ?? playwrightsOwn();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const found = findChromium();
  if (!found) {
    if (process.env.CHROMIUM_PATH) {
      console.error(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} is not an executable file.`);
    }
    console.error(NO_CHROMIUM_HELP);
    process.exit(1);
  }
  console.log(`e2e: Chromium at ${found}`);
}
