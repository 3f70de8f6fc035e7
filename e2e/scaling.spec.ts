import http from "node:http";
import type { Address } from "viem";
import { devRoles } from "../lib/chain/dev-accounts";
import type { ManifestInput } from "../lib/market/manifest";
import { expect, test } from "./fixtures";
import { acceptBestBid, createOrder } from "./helpers/create-order";

// Scaling a running lease. Wallet 2 orders (and accepts on chain) two nginx services: `web` with 2
// replicas and `api`, autoscaled between 1 and 3 replicas at 85 % CPU and exposed over HTTP. What the
// order bought is its manifest's totals (an autoscaled service counted at its maximum), so `web` can
// only grow back to what was bought: the tenant scales it down to 1 and up to 2 with the Replicas
// control, signing each update, and sees its pods follow. Then load through the simulator's ingress
// (every request a container answers costs it CPU) makes the HPA add `api` replicas, shown on the
// Autoscaling card, and once the load stops they fall back to 1 (the e2e stack runs the HPA with a 1 s
// sync and a 5 s scale-down window: e2e/global-setup.ts).

// The target: an idle simulated container uses 10-70 % (about 35 %) of its request and a loaded one is
// capped at 95 % of its limit (= its request), so at 85 % one loaded pod is beyond the HPA's 10 %
// tolerance (it scales up) while two idle pods ask for one (it scales back down).
const tenantKey = devRoles.e2e[2].privateKey;
const resources = { cpu: 250, memory: 256, storage: 512 };

/** Sends requests to `url` through the ingress on 127.0.0.1 (by Host header) until stopped. */
function startLoad(url: string, workers: number, pauseMs: number): { stop: () => Promise<number> } {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: workers });
  let running = true;
  let ok = 0;
  const once = () =>
    new Promise<void>((resolve) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port: Number(target.port || 80),
          path: target.pathname,
          headers: { host: target.host },
          agent,
        },
        (res) => {
          if (res.statusCode === 200) ok++;
          res.resume();
          res.on("end", resolve);
        },
      );
      req.on("error", () => resolve());
      req.end();
    });
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      await once();
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return ok;
    },
  };
}

test("the tenant scales a service with the Replicas control, and an autoscaled service grows under load and shrinks after", async ({
  page,
  wallet,
  stack,
}) => {
  test.setTimeout(400_000);
  const market = stack.marketAddress as Address;
  const manifest: ManifestInput = {
    version: 2,
    name: `scaling-${Date.now().toString(36)}`,
    services: [
      { name: "web", image: "nginx:1.27", ports: [{ port: 80 }], replicas: 2, resources },
      {
        name: "api",
        image: "nginx:1.27",
        ports: [{ name: "http", port: 80, expose: "http" }],
        replicas: 1,
        autoscale: { min: 1, max: 3, cpuPercent: 85 },
        resources,
      },
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
  await expect(page.getByTestId("deploy-state")).toHaveText("running", { timeout: 90_000 });

  const runningPods = (service: string) =>
    page.locator('[data-testid="pod-row"][data-phase="Running"]').filter({ hasText: `${service}-` });
  await expect(runningPods("web")).toHaveCount(2, { timeout: 60_000 });

  // − then +: each prepares the update in the editor, signed in the wallet and relayed.
  const panel = page.getByTestId("edit-deployment");
  await panel.getByRole("button", { name: "Fewer replicas of web" }).click();
  await panel.getByTestId("update-sign").click();
  await expect(panel.getByTestId("update-message")).toHaveText(
    "Updated: revision 1 is on chain; rolling it out.",
    { timeout: 30_000 },
  );
  await expect(panel.getByTestId("revision-1")).toContainText("current", { timeout: 30_000 });
  await expect(panel.getByTestId("replicas-web")).toHaveText("1");
  await expect(runningPods("web")).toHaveCount(1, { timeout: 60_000 });

  await panel.getByRole("button", { name: "More replicas of web" }).click();
  await panel.getByTestId("update-sign").click();
  await expect(panel.getByTestId("update-message")).toHaveText(
    "Updated: revision 2 is on chain; rolling it out.",
    { timeout: 30_000 },
  );
  await expect(panel.getByTestId("revision-2")).toContainText("current", { timeout: 30_000 });
  await expect(panel.getByTestId("replicas-web")).toHaveText("2");
  await expect(runningPods("web")).toHaveCount(2, { timeout: 60_000 });

  // The autoscaled service idles at its minimum.
  const autoscaler = page.getByTestId("autoscaler-api");
  await expect(autoscaler).toContainText("1/3 replicas (autoscaled, CPU", { timeout: 60_000 });
  await expect(autoscaler).not.toContainText("not measured yet", { timeout: 30_000 });

  // Load through the ingress at its public URL until the autoscaler adds replicas.
  const url = await page
    .getByTestId("public-url-row")
    .filter({ hasText: "api" })
    .getByTestId("public-url")
    .getAttribute("href");
  if (!url) throw new Error("the api service has no public URL");
  const load = startLoad(url, 8, 50);
  let answered = 0;
  try {
    await expect(autoscaler).toContainText(/^api: [23]\/3 replicas/, { timeout: 90_000 });
    await expect.poll(() => runningPods("api").count(), { timeout: 30_000 }).toBeGreaterThan(1);
  } finally {
    answered = await load.stop();
  }
  expect(answered, "requests the service answered").toBeGreaterThan(0);

  // Without load the CPU falls back; after the scale-down window the autoscaler returns to 1.
  await expect(autoscaler).toContainText(/^api: 1\/3 replicas/, { timeout: 90_000 });
  await expect(runningPods("api")).toHaveCount(1, { timeout: 60_000 });
});
