import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { parse, stringify } from "yaml";
import { expect, type TestWallet, test } from "./fixtures";
import { checkEverywhere } from "./helpers/accessibility";
import { createOrder, getLeaseInfo, getOrderInfo, settleOrder, tokenBalance } from "./helpers/create-order";
import { parseToken } from "./helpers/figures";
import { ProviderConsolePage } from "./pages/provider-console";
import { ProviderOnboardPage } from "./pages/provider-onboard";

// The provider journey, end to end on the shared stack: a new provider (e2e wallet 0) onboards the
// unseeded simulated cluster `lab-spare` (eu-north-1) through the whole wizard, its capacity shows
// on the market, the bid engine wins an order only it can serve, the lease shows in the console and
// the provider withdraws. Another wallet cannot see or touch that cluster.

const REGION = "eu-north-1";
let clusterId = "";
let wonOrderId = 0n;

mkdirSync("e2e/screenshots", { recursive: true });

/** The test wallet may reconnect by itself (wagmi mock connector); connect only when it has not. */
async function ensureConnected(page: Page, wallet: TestWallet) {
  await expect(page.getByTestId("wallet-address").or(page.getByTestId("wallet-connect"))).toBeVisible();
  await page.waitForTimeout(500);
  if (!(await page.getByTestId("wallet-address").isVisible())) await wallet.connect();
}

async function freeCpu(page: Page): Promise<number> {
  await page.goto("/");
  const totals = page.getByTestId("market-totals");
  if (!(await totals.isVisible())) return 0;
  const text = await totals.innerText();
  const m = /([\d.,]+)\s*cores/i.exec(text);
  return m ? Number(m[1]?.replace(/,/g, "")) : 0;
}

test.describe
  .serial("provider journey", () => {
    test("a new provider onboards a cluster through the wizard; exec kubeconfigs are refused", async ({
      page,
      wallet,
      stack,
    }) => {
      test.setTimeout(300_000);
      await wallet.use(0);
      const cpuBefore = await freeCpu(page);
      const kubeconfig = readFileSync(path.join(stack.kubeconfigDir, "lab-spare.kubeconfig"), "utf8");
      const wizard = new ProviderOnboardPage(page);

      // 1. Connect and sign in.
      await wizard.goto();
      await wizard.expectStep(1);
      await wizard.screenshot("wizard-1-sign-in");
      await ensureConnected(page, wallet);
      await wizard.signIn();

      // 2. Profile, validated; Back keeps what was typed.
      await wizard.expectStep(2);
      await wizard.next();
      await expect(page.getByText("at least 2 characters")).toBeVisible();
      await wizard.fillProfile({
        name: "Nordic Lab",
        website: "https://nordic-lab.example",
        contact: "ops@nordic-lab.example",
        region: REGION,
      });
      await wizard.screenshot("wizard-2-profile");
      await wizard.next();
      await wizard.expectStep(3);
      await wizard.back();
      await wizard.expectStep(2);
      await expect(page.getByTestId("profile-name")).toHaveValue("Nordic Lab");
      await wizard.next();
      await wizard.expectStep(3);

      // 3. Cluster: an exec plugin is refused with a clear message; the real kubeconfig is accepted.
      const doc = parse(kubeconfig) as { users: { name: string; user: Record<string, unknown> }[] };
      for (const u of doc.users)
        u.user = { exec: { apiVersion: "client.authentication.k8s.io/v1", command: "aws" } };
      await page.getByTestId("rbac-toggle").click();
      await expect(page.getByTestId("rbac-yaml")).toContainText("ClusterRole");
      await wizard.pasteKubeconfig(stringify(doc));
      await expect(
        page.getByRole("alert").filter({ hasText: "exec credential plugins are not accepted" }),
      ).toBeVisible();
      await wizard.expectStep(3);
      await wizard.screenshot("wizard-3-cluster-refused");

      // The cluster's admin kubeconfig works but can do far more than KubeBid needs: the "must not"
      // checks fail and Next stays off until the risk is accepted explicitly.
      const adminKubeconfig = readFileSync(
        path.join(stack.kubeconfigDir, "lab-spare.admin.kubeconfig"),
        "utf8",
      );
      await wizard.pasteKubeconfig(adminKubeconfig);
      await wizard.expectStep(4);
      await expect(wizard.verifyStatus()).toHaveAttribute("data-ok", "false", { timeout: 30_000 });
      await expect(page.getByTestId("check-deny:secrets")).toHaveAttribute("data-status", "fail");
      await expect(page.getByTestId("check-perm:nodes")).toHaveAttribute("data-status", "pass");
      await expect(page.getByTestId("wizard-next")).toBeDisabled();
      // A stored decision: the box shows checked once the server has recorded it.
      await page.getByTestId("accept-risk").click();
      await expect(page.getByTestId("accept-risk")).toBeChecked();
      await expect(page.getByTestId("wizard-next")).toBeEnabled();
      await wizard.screenshot("wizard-4-verify-over-privileged");
      await page.getByTestId("accept-risk").click();
      await expect(page.getByTestId("accept-risk")).not.toBeChecked();
      await expect(page.getByTestId("wizard-next")).toBeDisabled();
      // The least-privilege kubeconfig the wizard's commands write instead. (Back saves the step; its
      // answer must land before the upload's, or it would bring the old check results back.)
      const saved = page.waitForResponse(
        (r) => r.url().endsWith("/api/provider/draft") && r.request().method() === "PUT",
      );
      await wizard.back();
      await saved;
      await wizard.expectStep(3);
      await wizard.pasteKubeconfig(kubeconfig);

      // 4. Verify: the live checklist ends green.
      await wizard.expectStep(4);
      await expect(wizard.verifyStatus()).toHaveAttribute("data-ok", "true", { timeout: 30_000 });
      await expect(page.getByTestId("check-connection")).toHaveAttribute("data-status", "pass");
      await expect(page.getByTestId("check-nodes")).toHaveAttribute("data-status", "pass");
      await wizard.screenshot("wizard-4-verify");
      await wizard.next();

      // 5. Capacity.
      await wizard.expectStep(5);
      await expect(page.getByTestId("capacity-nodes")).toContainText("lab-spare-1");
      await expect(page.getByTestId("capacity-nodes")).toContainText("NVIDIA-L40S");
      await wizard.screenshot("wizard-5-capacity");
      // The wizard resumes at its saved step: the capacity and pricing steps go through the axe scan
      // and the phone checks (the a11y spec sees only the first steps).
      const problems = await checkEverywhere(page, "/provider/onboard", {
        name: "onboard-capacity",
        ready: (p) => expect(p.getByTestId("capacity-nodes")).toContainText("lab-spare-1"),
      });
      await wizard.next();

      // 6. Exposure & storage: no HTTP exposure and no volumes, TCP/UDP through NodePorts.
      await wizard.expectStep(6);
      await page.getByTestId("exposure-ingress-class").selectOption("");
      await page.getByTestId("exposure-ports-nodeport").check();
      await wizard.screenshot("wizard-6-exposure");
      await wizard.next();

      // 7. Pricing with the live preview.
      await wizard.expectStep(7);
      problems.push(
        ...(await checkEverywhere(page, "/provider/onboard", {
          name: "onboard-pricing",
          ready: (p) => expect(p.getByTestId("pricing-preview")).toBeVisible(),
        })),
      );
      expect(problems, problems.join("\n")).toEqual([]);
      await wizard.setPrices({ cpu: "0.02", mem: "0.005", storage: "0.0002" });
      await expect(page.getByTestId("pricing-preview")).toContainText("0.03");
      await wizard.screenshot("wizard-7-pricing");
      await wizard.next();

      // 8. Register on-chain, then the providerConsole.
      await wizard.expectStep(8);
      await expect(page.getByTestId("register-operator")).toContainText("0x");
      await wizard.screenshot("wizard-8-register");
      await wizard.register();

      // 9. The bond: a deposit through the wallet (approve, then depositBond), then go live.
      await wizard.expectStep(9);
      await wizard.depositBond("100");
      await expect(page.getByTestId("bond-free")).toHaveText("100.00 USD");
      await expect(page.getByTestId("bond-coverage")).not.toHaveAttribute("data-kind", "none");
      await wizard.screenshot("wizard-9-bond");
      await wizard.finish();
      await expect(page).toHaveURL(/\/provider(\?|$)/, { timeout: 30_000 });
      const providerConsole = new ProviderConsolePage(page);
      await expect(providerConsole.console()).toBeVisible();
      await expect(providerConsole.clusterCards()).toHaveCount(1);
      await expect(providerConsole.clusterCards().first().getByTestId("cluster-status")).toHaveText("up");
      await expect(providerConsole.clusterCards().first().getByTestId("cluster-least-privilege")).toHaveText(
        "least privilege",
      );
      clusterId = (await providerConsole.clusterCards().first().getAttribute("data-cluster")) ?? "";
      expect(clusterId).toMatch(/^[0-9a-f-]{36}$/);

      // Its capacity is on the market, shown as least-privilege with network isolation enforced.
      await expect.poll(() => freeCpu(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(cpuBefore + 31);
      const row = page.getByTestId("provider-row").filter({ hasText: "Nordic Lab" });
      await expect(row.getByTestId("provider-least-privilege")).toHaveText("least privilege");
      await expect(row.getByTestId("provider-network")).toHaveText("network isolation: enforced");
      await expect(row.getByTestId("offer-http")).toHaveText("no HTTP ingress");
      await expect(row.getByTestId("offer-ports")).toHaveText("TCP/UDP: NodePort");
      // The seeded providers expose HTTP through nginx and price their storage classes (dev/seed.ts).
      const seeded = page.getByTestId("provider-row").filter({ hasText: "Lion City Metal" });
      await expect(seeded.getByTestId("offer-http")).toHaveText("HTTP ingress (no TLS)");
      await expect(seeded.getByTestId("offer-storage")).toHaveText("standard 0.00012 /GiB·h");
      const rhein = page.getByTestId("provider-row").filter({ hasText: "Rhein Compute" });
      await expect(rhein.getByTestId("offer-storage")).toHaveText(
        "standard 0.00015 /GiB·h, fast-ssd 0.0006 /GiB·h",
      );
      // The flannel-only demo provider cannot promise isolation.
      await expect(
        page
          .getByTestId("provider-row")
          .filter({ hasText: "Lion City Metal" })
          .getByTestId("provider-network"),
      ).toHaveText("network isolation: not verified");
    });

    test("its bid engine wins an order, the lease shows in the console, and the provider withdraws", async ({
      page,
      wallet,
      stack,
    }) => {
      test.setTimeout(180_000);
      expect(clusterId, "the onboarding test ran first").not.toBe("");
      const provider = await wallet.use(0);
      const providerConsole = new ProviderConsolePage(page);
      await providerConsole.goto();
      await ensureConnected(page, wallet);
      if (await page.getByTestId("sign-in").isVisible()) await page.getByTestId("sign-in").click();
      await expect(providerConsole.console()).toBeVisible();

      const orderId = await createOrder({
        rpcUrl: stack.rpcUrl,
        marketAddress: stack.marketAddress,
        tokenAddress: stack.tokenAddress,
        region: REGION,
        bidWindowSeconds: 15,
        // Under 1 GiB: the console's "Recently won orders" must say 512 MiB (it said "1 GiB").
        memoryMiB: 512,
      });
      wonOrderId = orderId;
      // The bid engine bids (visible in its decision log) before the window closes.
      await expect(
        page.locator(
          `[data-testid="decision-row"][data-order="${orderId}"]:is([data-action="bid"], [data-action="undercut"])`,
        ),
      ).toBeVisible({ timeout: 15_000 });
      const info = await getOrderInfo({ rpcUrl: stack.rpcUrl, marketAddress: stack.marketAddress, orderId });
      expect(info.bestProvider.toLowerCase()).toBe(provider.toLowerCase());

      // Settle after the window: the lease is the provider's.
      const waitMs = Number(info.bidEnd) * 1000 - Date.now() + 1500;
      if (waitMs > 0) await page.waitForTimeout(waitMs);
      await settleOrder({ rpcUrl: stack.rpcUrl, marketAddress: stack.marketAddress, orderId });
      await expect(providerConsole.leaseRow(orderId)).toBeVisible({ timeout: 20_000 });
      await expect(providerConsole.leaseRow(orderId)).toContainText("active");
      await page.waitForTimeout(3_000); // let it earn a little
      await providerConsole.screenshot("console-light");

      // Withdraw through the wallet; the token balance rises.
      const before = await tokenBalance({
        rpcUrl: stack.rpcUrl,
        tokenAddress: stack.tokenAddress,
        account: provider,
      });
      await expect(providerConsole.withdrawAll()).toBeEnabled({ timeout: 15_000 });
      // "Withdrawable now" is what withdraw pays: not 0.00 on a quiet chain, and the payout (gross,
      // read back from the contract) is that amount plus what accrued between reading it and the
      // transaction's block.
      await expect(page.getByTestId("stat-withdrawable")).not.toHaveText("0.00");
      const shown = parseToken((await page.getByTestId("stat-withdrawable").textContent()) ?? "");
      expect(shown).toBeGreaterThan(0n);
      expect(
        parseToken(
          (await providerConsole.leaseRow(orderId).getByTestId("lease-withdrawable").textContent()) ?? "",
        ),
      ).toBeGreaterThanOrEqual(shown);
      const shownAt = Date.now();
      await providerConsole.withdrawAll().click();
      await expect(providerConsole.withdrawDone()).toBeVisible({ timeout: 30_000 });
      const leaseInfo = await getLeaseInfo({
        rpcUrl: stack.rpcUrl,
        marketAddress: stack.marketAddress,
        leaseId: orderId,
      });
      const secondsSince = BigInt(Math.ceil((Date.now() - shownAt) / 1000) + 1);
      expect(leaseInfo.paidOut).toBeGreaterThanOrEqual(shown);
      expect(leaseInfo.paidOut - shown).toBeLessThanOrEqual(
        (leaseInfo.pricePerHour * secondsSince) / 3600n + 1n,
      );
      const after = await tokenBalance({
        rpcUrl: stack.rpcUrl,
        tokenAddress: stack.tokenAddress,
        account: provider,
      });
      expect(after).toBeGreaterThan(before);
      // Once the indexer has seen the withdrawal, the console counts it.
      await expect(page.getByTestId("stat-withdrawn")).not.toHaveText("0.00", { timeout: 20_000 });

      await page.getByTestId("theme-toggle").click();
      await providerConsole.screenshot("console-dark");
      await page.getByTestId("theme-toggle").click();
    });

    test("the console edits pricing, re-verifies the cluster, and refuses a bad kubeconfig or removing a busy cluster", async ({
      page,
      wallet,
    }) => {
      test.setTimeout(240_000);
      expect(clusterId, "the onboarding test ran first").not.toBe("");
      await wallet.use(0);
      const providerConsole = new ProviderConsolePage(page);
      await providerConsole.goto();
      await ensureConnected(page, wallet);
      if (await page.getByTestId("sign-in").isVisible()) await page.getByTestId("sign-in").click();
      await expect(providerConsole.console()).toBeVisible();
      const card = page.locator(`[data-testid="cluster-card"][data-cluster="${clusterId}"]`);

      // Pricing: a bad value is refused inline; a good one is saved and survives a reload.
      await page.getByTestId("settings-cpu").fill("abc");
      await page.getByTestId("settings-save").click();
      await expect(page.getByTestId("settings-save")).toBeEnabled();
      await expect(page.getByText("Saved ✓")).toHaveCount(0);
      await page.getByTestId("settings-cpu").fill("0.025");
      await page.getByTestId("settings-save").click();
      await expect(page.getByText("Saved ✓")).toBeVisible();
      await page.reload();
      await expect(page.getByTestId("settings-cpu")).toHaveValue("0.025");

      // Recently won orders show the order's memory in MiB below 1 GiB.
      expect(wonOrderId, "the bidding test ran first").not.toBe(0n);
      await expect(page.getByText(`#${wonOrderId}: 1 core, 512 MiB`)).toBeVisible({ timeout: 20_000 });

      // Re-verify runs the live checklist again against the stored kubeconfig.
      await card.getByTestId("cluster-reverify").click();
      await expect(card.getByTestId("check-connection")).toHaveAttribute("data-status", "pass", {
        timeout: 20_000,
      });
      await expect(card.getByTestId("check-nodes")).toHaveAttribute("data-status", "pass", {
        timeout: 20_000,
      });

      // Replacing the kubeconfig with an exec one is refused; the cluster stays as it was.
      await card.getByRole("button", { name: "Replace kubeconfig" }).click();
      await card
        .locator("textarea")
        .fill(
          "apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: c\n  cluster:\n    server: https://203.0.113.10:6443\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\nusers:\n- name: u\n  user:\n    exec: {command: sh, apiVersion: client.authentication.k8s.io/v1}\n",
        );
      await card.getByRole("button", { name: "Check and replace" }).click();
      await expect(card.getByRole("alert")).toContainText(/exec/i);
      await expect(card.getByTestId("cluster-status")).toHaveText("up");

      // A cluster that runs a lease cannot be removed.
      page.once("dialog", (dialog) => dialog.accept());
      await card.getByRole("button", { name: "Remove" }).click();
      await expect(card.getByRole("alert").filter({ hasText: /active lease/ })).toBeVisible();
      await expect(providerConsole.clusterCards()).toHaveCount(1);

      // The console with a cluster, a lease and decisions, and the cluster's page: no serious axe
      // violation in either theme at 1366 or 390 px, and the phone layout holds.
      const problems = [
        ...(await checkEverywhere(page, "/provider", {
          name: "provider-console",
          ready: (p) => expect(p.getByTestId("decision-row").first()).toBeVisible(),
        })),
        ...(await checkEverywhere(page, `/provider/clusters/${clusterId}`, {
          name: "provider-cluster",
          ready: (p) => expect(p.getByTestId("cluster-status")).toHaveText("up"),
        })),
      ];
      expect(problems, problems.join("\n")).toEqual([]);
    });

    test("another wallet cannot see or change the provider's cluster", async ({ page, wallet }) => {
      expect(clusterId, "the onboarding test ran first").not.toBe("");
      await wallet.use(1);
      const providerConsole = new ProviderConsolePage(page);
      await providerConsole.goto();
      await ensureConnected(page, wallet);
      await page.getByTestId("sign-in").click();
      await expect(providerConsole.empty()).toBeVisible();
      await expect(providerConsole.clusterCards()).toHaveCount(0);

      // The API refuses with 403 for reads and writes.
      const get = await page.request.get(`/api/clusters/${clusterId}`);
      expect(get.status()).toBe(403);
      expect((await get.json()).error.code).toBe("FORBIDDEN");
      const patch = await page.request.patch(`/api/clusters/${clusterId}`, { data: { offerPercent: 10 } });
      expect(patch.status()).toBe(403);
      const del = await page.request.delete(`/api/clusters/${clusterId}`);
      expect(del.status()).toBe(403);
      const verify = await page.request.post(`/api/clusters/${clusterId}/verify`);
      expect(verify.status()).toBe(403);
      const list = await page.request.get("/api/clusters");
      expect((await list.json()).clusters).toEqual([]);

      // And the UI shows a clean page, not an error.
      await page.goto(`/provider/clusters/${clusterId}`);
      await expect(page.getByTestId("cluster-forbidden")).toBeVisible();
      await page.screenshot({ path: "e2e/screenshots/cluster-forbidden.png", fullPage: true });
    });
  });
