import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startStack } from "../dev/stack";
import { startSmtpInbox } from "../lib/testing/start-smtp-inbox";

// Starts one isolated stack for the whole e2e run (fresh data directory, so an empty database with
// the seeded demo providers) and hands its coordinates to the tests through the environment.

export default async function globalSetup() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "kubebid-e2e-"));
  // A real SMTP server for the app's alert emails; specs read what it received from E2E_INBOX_DIR.
  const inboxDir = path.join(dataDir, "inbox");
  const inbox = await startSmtpInbox({ dir: inboxDir });
  const stack = await startStack({
    dataDir,
    mode: "prod",
    log: (line) => process.stdout.write(`[stack] ${line}\n`),
    // The autoscaling spec watches an HPA scale up under load and back down when it stops: a 1 s sync
    // and a 5 s scale-down window instead of kube-controller-manager's 15 s and 5 min.
    hpa: { syncPeriodMs: 1000, downscaleStabilizationMs: 5000 },
    env: {
      INDEXER_INTERVAL_MS: "300",
      INVENTORY_INTERVAL_MS: "2000",
      METRICS_INTERVAL_MS: "1000",
      // Every spec drives the app from one address; the limits themselves are proven in lib/api tests.
      RATE_LIMIT_SCALE: "50",
      SMTP_URL: inbox.url,
      ALERT_FROM: "KubeBid <alerts@kubebid.test>",
      ALERTS_INTERVAL_MS: "1000",
      ALERT_DELIVERY_INTERVAL_MS: "500",
      // The downtime spec stops a cluster for seconds and expects the refund on chain soon after.
      ATTEST_DOWNTIME_INTERVAL_MS: "3000",
    },
  });
  process.env.BASE_URL = stack.url;
  process.env.E2E_INBOX_DIR = inboxDir;
  process.env.E2E_STACK_INFO = path.join(dataDir, "stack-info.json");
  writeFileSync(
    path.join(dataDir, "stack-info.json"),
    JSON.stringify({ ...stack, stop: undefined }, null, 2),
  );
  return async () => {
    await stack.stop();
    await inbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
