import { createHmac } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { InboxFile } from "../lib/testing/start-smtp-inbox";
import { startWebhookReceiver, type WebhookReceiver } from "../lib/testing/start-webhook-receiver";
import { expect, test } from "./fixtures";
import { checkEverywhere } from "./helpers/accessibility";
import { createOrder, getOrderInfo, settleOrder } from "./helpers/create-order";

// Alerts end to end: a tenant sets a runway threshold above any lease's runway, a webhook (a real
// HTTP receiver in this process, which checks the HMAC itself) and an email address (verified with the
// code the stack's real SMTP server received); then it rents a lease, and the runway alert reaches
// the header's bell, the webhook and the inbox.

// The e2e test wallet's second account (anvil's dev account 8; the key is public, dev only).
const TENANT_KEY: Hex = "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97";
const EMAIL = "alerts-e2e@example.com";

function inbox(): InboxFile[] {
  const dir = process.env.E2E_INBOX_DIR;
  if (!dir) throw new Error("E2E_INBOX_DIR is not set: run through playwright.config.ts (global setup)");
  return readdirSync(dir)
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), "utf8")) as InboxFile)
    .filter((m) => m.to.includes(EMAIL));
}

function signatureOk(req: WebhookReceiver["requests"][number], secret: string): boolean {
  const mac = createHmac("sha256", secret)
    .update(`${req.headers["x-kubebid-timestamp"]}.${req.body}`)
    .digest("hex");
  return req.headers["x-kubebid-signature"] === `sha256=${mac}`;
}

test("a runway alert reaches the bell, a signed webhook and a verified email address", async ({
  page,
  wallet,
  stack,
}) => {
  test.setTimeout(180_000);
  const receiver = await startWebhookReceiver();
  try {
    const tenant = await wallet.use(1);
    expect(privateKeyToAccount(TENANT_KEY).address).toBe(tenant);

    await page.goto("/settings/alerts");
    await page.getByTestId("gate-connect-mock").click();
    await page.getByTestId("sign-in").click();
    await expect(page.getByTestId("alert-preferences")).toBeVisible();

    // Inline validation, then a threshold of 30 days: any new lease is below it.
    await page.getByTestId("runway-threshold").fill("0");
    await expect(page.getByText("Runway threshold must be at least 0.25 h (15 minutes).")).toBeVisible();
    await expect(page.getByTestId("alert-settings-save")).toBeDisabled();
    await page.getByTestId("runway-threshold").fill("720");
    await page.getByTestId("webhook-url").fill("not a url");
    await expect(page.getByText(/Webhook URL must be a URL/)).toBeVisible();
    await page.getByTestId("webhook-url").fill(receiver.url);
    await page.getByTestId("alert-settings-save").click();
    const secret = (await page.getByTestId("webhook-secret").locator("code").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_/);

    // The test button: one signed request, its answer shown and logged.
    await page.getByTestId("webhook-test").click();
    await expect(page.getByTestId("webhook-test-result")).toHaveText("Your webhook answered 200.");
    expect(receiver.requests).toHaveLength(1);
    expect(signatureOk(receiver.requests[0] as WebhookReceiver["requests"][number], secret)).toBe(true);

    // Email: a code over SMTP, typed back.
    await page.getByTestId("alert-email-input").fill(EMAIL);
    await page.getByTestId("alert-email-send").click();
    await expect.poll(() => inbox().length, { timeout: 15_000 }).toBe(1);
    const code = /code is ([0-9]{6})/.exec(inbox()[0]?.text ?? "")?.[1] ?? "";
    await page.getByTestId("alert-email-code").fill(code);
    await page.getByTestId("alert-email-verify").click();
    await expect(page.getByTestId("email-status")).toHaveText("Verified");

    // A lease: an order from this wallet, bid on by the seeded providers, settled after its window.
    const orderId = await createOrder({
      rpcUrl: stack.rpcUrl,
      marketAddress: stack.marketAddress,
      tokenAddress: stack.tokenAddress,
      region: "us-east-2",
      bidWindowSeconds: 12,
      tenantKey: TENANT_KEY,
    });
    const bid = async () => {
      const info = await getOrderInfo({ rpcUrl: stack.rpcUrl, marketAddress: stack.marketAddress, orderId });
      return BigInt(info.bestProvider) !== 0n ? info : null;
    };
    await expect.poll(bid, { timeout: 30_000 }).not.toBeNull();
    const info = await bid();
    const waitMs = Number(info?.bidEnd ?? 0) * 1000 - Date.now() + 1500;
    if (waitMs > 0) await page.waitForTimeout(waitMs);
    await settleOrder({ rpcUrl: stack.rpcUrl, marketAddress: stack.marketAddress, orderId });

    // The bell counts it (and says so politely); its panel opens and closes from the keyboard.
    const bell = page.getByTestId("alert-bell");
    await expect(page.getByTestId("alert-unread-count")).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId("alert-live")).toContainText(/[1-9][0-9]* unread notifications?/);
    await bell.focus();
    await page.keyboard.press("Enter");
    const panel = page.getByTestId("alert-panel");
    await expect(panel.getByTestId("alert-item").filter({ hasText: `Lease #${orderId} has` })).toContainText(
      "below your 30d 0h threshold",
    );
    await page.keyboard.press("Escape");
    await expect(panel).toBeHidden();
    await expect(bell).toBeFocused();

    // The same alert, signed, at the webhook, and by email.
    const runwayHooks = () => receiver.requests.filter((r) => JSON.parse(r.body).kind === "runway-low");
    await expect.poll(() => runwayHooks().length, { timeout: 15_000 }).toBe(1);
    const hook = runwayHooks()[0] as WebhookReceiver["requests"][number];
    expect(signatureOk(hook, secret)).toBe(true);
    expect(JSON.parse(hook.body)).toMatchObject({ kind: "runway-low", leaseId: String(orderId) });
    await expect
      .poll(() => inbox().some((m) => m.subject.startsWith(`[KubeBid] Runway low: Lease #${orderId} has`)), {
        timeout: 15_000,
      })
      .toBe(true);

    // The delivery log lists the test, the webhook and the email.
    await page.reload();
    await expect(page.getByTestId("delivery-row").filter({ hasText: "webhook (test)" })).toHaveCount(1);
    await expect(page.getByTestId("delivery-row").filter({ hasText: EMAIL })).not.toHaveCount(0);

    // Mark all read: the count goes.
    await bell.click();
    await page.getByTestId("alert-mark-all-read").click();
    await expect(page.getByTestId("alert-unread-count")).toBeHidden();
    await expect(page.getByTestId("alert-live")).toHaveText("0 unread notifications");
    await page.keyboard.press("Escape");

    const problems = [
      ...(await checkEverywhere(page, "/alerts", {
        name: "alerts",
        ready: (p) => expect(p.getByTestId("alert-list")).toBeVisible(),
      })),
      ...(await checkEverywhere(page, "/settings/alerts", {
        name: "alert-settings",
        ready: (p) => expect(p.getByTestId("delivery-table")).toBeVisible(),
      })),
    ];
    expect(problems).toEqual([]);
  } finally {
    await receiver.close();
  }
});
