import type { Address } from "viem";
import { devRoles } from "../lib/chain/dev-accounts";
import type { ManifestInput } from "../lib/market/manifest";
import { expect, test } from "./fixtures";
import { acceptBestBid, createOrder } from "./helpers/create-order";

// A lease that fails while it runs, then its post-mortem. Wallet 2 orders (and accepts on chain) two
// services the simulator's image model makes fail the way a node would: `crashloop` exits 1 after it
// starts (CrashLoopBackOff, a panic in its previous log), `memhog` is killed at its memory limit
// (OOMKilled, exit 137). The lease page shows each reason, exit code and restart count, and the log
// viewer's Previous shows the crashed instance's log. The tenant closes the lease from the page; the
// closed page shows the post-mortem (close reason, final pod and container states, events, logs) and
// nothing that looks alive.

const tenantKey = devRoles.e2e[2].privateKey;
const resources = { cpu: 250, memory: 256, storage: 512 };

test("a crash-looping and an OOMKilled container show why, then the closed lease shows its post-mortem", async ({
  page,
  wallet,
  stack,
}) => {
  test.setTimeout(300_000);
  const market = stack.marketAddress as Address;
  const manifest: ManifestInput = {
    version: 2,
    name: `crash-${Date.now().toString(36)}`,
    services: [
      { name: "crash", image: "ghcr.io/acme/crashloop:1", resources },
      { name: "oom", image: "ghcr.io/acme/memhog:1", resources },
    ],
  };
  const orderId = await createOrder({
    rpcUrl: stack.rpcUrl,
    marketAddress: market,
    tokenAddress: stack.tokenAddress as Address,
    tenantKey,
    maxPricePerHour: 2_000_000n,
    manifest,
  });
  await acceptBestBid({ rpcUrl: stack.rpcUrl, marketAddress: market, orderId, tenantKey });

  await wallet.use(2);
  await page.goto(`/leases/${orderId}`);
  await wallet.connect();
  await page.getByTestId("sign-in").click();

  // The Containers card: each container's state, its last (terminated) state with the exit code, and
  // its restarts.
  const containers = page.getByTestId("containers");
  const crash = containers.locator('[data-testid="container-row"][data-container="crash"]');
  const oom = containers.locator('[data-testid="container-row"][data-container="oom"]');
  await expect(crash.getByTestId("container-last-state")).toHaveText("Error (exit 1)", { timeout: 90_000 });
  await expect(crash.getByTestId("container-state")).toHaveText("CrashLoopBackOff", { timeout: 30_000 });
  await expect(crash.getByTestId("container-restarts")).toHaveText(/^[1-9]\d*$/);
  await expect(oom.getByTestId("container-last-state")).toHaveText("OOMKilled (exit 137)", {
    timeout: 90_000,
  });
  await expect(oom.getByTestId("container-state")).toHaveText("CrashLoopBackOff", { timeout: 30_000 });
  await expect(oom.getByTestId("container-restarts")).toHaveText(/^[1-9]\d*$/);
  // The pods are not Running-and-ready: the kubelet reports them as crash-looping.
  await expect(page.getByTestId("pod-row")).toHaveCount(2);

  // Logs: the crash container's previous instance ended with the panic it died of.
  const logs = page.getByTestId("logs");
  const crashPod = (await crash.locator("td").first().textContent())?.split("/")[0];
  if (!crashPod) throw new Error("no pod name in the crash container's row");
  await logs.getByLabel("Pod").selectOption(crashPod);
  await logs.getByTestId("log-previous").check();
  await expect(logs.getByTestId("log-lines")).toContainText(
    "panic: runtime error: invalid memory address or nil pointer dereference",
    { timeout: 30_000 },
  );

  // The tenant closes the lease from the page.
  await page.getByTestId("close-lease").click();
  await expect(page.getByTestId("close-refund")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("lease-status")).toHaveText("closed", { timeout: 30_000 });

  // The post-mortem, once the lease controller captured the namespace before deleting it.
  const pm = page.getByTestId("post-mortem");
  await expect(pm.getByTestId("post-mortem-reason")).toHaveText("Closed: closed by tenant", {
    timeout: 60_000,
  });
  await expect(pm.getByTestId("post-mortem-pod")).toHaveCount(2, { timeout: 60_000 });
  await expect(pm.locator('[data-testid="container-row"][data-container="oom"]')).toContainText(
    "OOMKilled (exit 137)",
  );
  await expect(pm.locator('[data-testid="container-row"][data-container="crash"]')).toContainText(
    "Error (exit 1)",
  );
  await expect(
    pm.getByTestId("post-mortem-event").filter({ hasText: "Back-off restarting failed container" }),
  ).not.toHaveCount(0);
  const crashLogs = pm.getByTestId("post-mortem-log").filter({ hasText: `${crashPod}/crash` });
  await expect(crashLogs.filter({ hasText: "previous instance" })).toContainText("panic: runtime error");
  await expect(pm.getByTestId("post-mortem-log").filter({ hasText: "/oom" })).not.toHaveCount(0);

  // Nothing of the closed lease looks alive: no live dot, no pods, no endpoints, no containers.
  await expect(page.getByTestId("live-dot")).toHaveAttribute("title", "closed");
  await expect(page.getByTestId("live-dot")).toHaveAttribute("data-live", "false");
  await expect(page.getByTestId("live-dot")).not.toHaveClass(/bg-emerald-500/);
  await expect(page.getByTestId("pod-row")).toHaveCount(0);
  await expect(page.getByTestId("pods")).toContainText("No pods: the workload was removed.");
  await expect(page.getByTestId("endpoints")).toContainText("No service exposed.");
  await expect(page.getByTestId("containers")).toHaveCount(0);
  await expect(page.getByTestId("logs")).toHaveCount(0);
});
