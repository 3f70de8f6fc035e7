import { createHmac } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { alertDeliveries, alertSettings } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { readAlertSettings, updateAlertSettings } from "@/lib/alerts/alert-settings";
import { deliverDueAlerts } from "@/lib/alerts/deliver-alerts";
import { evaluateAlerts } from "@/lib/alerts/evaluate-alerts";
import { createMailer } from "@/lib/alerts/mailer";
import { checkWebhookUrl, sendWebhook } from "@/lib/alerts/send-webhook";
import { confirmEmailCode, startEmailVerification } from "@/lib/alerts/verify-alert-email";
import { guardedLookup } from "@/lib/k8s/is-private-address";
import { insertLease, termsFromRow } from "@/lib/testing/alert-test-data";
import { type SmtpInbox, startSmtpInbox } from "@/lib/testing/start-smtp-inbox";
import { startWebhookReceiver, type WebhookReceiver } from "@/lib/testing/start-webhook-receiver";

// Deliveries over real sockets: a local HTTP receiver that checks the HMAC signature itself, and a
// real SMTP server (smtp-server) receiving the verification code and a runway alert. Time is passed
// in, so retries are driven without waiting.

const HOUR = 3600_000;
const BASE = 1000;
const T0 = new Date("2026-06-01T12:00:00Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
let handle: DbHandle;
let inbox: SmtpInbox;
let nextLease = 100;

beforeAll(async () => {
  handle = await createTestDb();
  inbox = await startSmtpInbox();
});
afterAll(async () => {
  await inbox?.close();
  await handle?.close();
});

async function runwayAlertFor(wallet: string, now = T0) {
  const id = String(nextLease++);
  // 5 h of runway left: under the default 6 h threshold.
  await insertLease(handle.db, { id, tenant: wallet, startedAt: new Date(now.getTime() - 5 * HOUR) });
  const raised = await evaluateAlerts({
    db: handle.db,
    now,
    chainSeconds: now.getTime() / 1000,
    readTerms: async (lease) => termsFromRow(lease),
    emailEnabled: true,
  });
  expect(raised).toBe(1);
  return id;
}

async function withWebhook(wallet: string, receiver: WebhookReceiver, opts: { maxAttempts?: number } = {}) {
  const { webhookSecret } = await updateAlertSettings({
    db: handle.db,
    wallet,
    input: { kinds: ["runway-low"], runwayThresholdHours: 6, webhookUrl: receiver.url },
    allowPrivate: true,
  });
  if (!webhookSecret) throw new Error("no secret returned");
  return {
    secret: webhookSecret,
    deliver: (now: Date) =>
      deliverDueAlerts({
        db: handle.db,
        now,
        mailer: null,
        allowPrivate: true,
        baseDelayMs: BASE,
        appUrl: "https://kubebid.example",
        ...opts,
      }),
  };
}

const deliveriesOf = (wallet: string) =>
  handle.db.select().from(alertDeliveries).where(eq(alertDeliveries.wallet, wallet));

describe("webhook deliveries", () => {
  it("signs each attempt and retries with backoff: fails twice, then 200", async () => {
    const wallet = "0x00000000000000000000000000000000000000d1";
    const receiver = await startWebhookReceiver([500, 503]);
    try {
      const { secret, deliver } = await withWebhook(wallet, receiver);
      const leaseId = await runwayAlertFor(wallet);

      expect(await deliver(T0)).toEqual({ sent: 0, retrying: 1, failed: 0 });
      // Not due before the first backoff (1 s) has passed.
      expect(await deliver(at(BASE - 1))).toEqual({ sent: 0, retrying: 0, failed: 0 });
      expect(await deliver(at(BASE))).toEqual({ sent: 0, retrying: 1, failed: 0 });
      // The second backoff is twice the first.
      expect(await deliver(at(BASE + 2 * BASE - 1))).toEqual({ sent: 0, retrying: 0, failed: 0 });
      expect(await deliver(at(3 * BASE))).toEqual({ sent: 1, retrying: 0, failed: 0 });
      expect(await deliver(at(100 * BASE))).toEqual({ sent: 0, retrying: 0, failed: 0 });

      expect(receiver.requests).toHaveLength(3);
      for (const req of receiver.requests) {
        const timestamp = String(req.headers["x-kubebid-timestamp"]);
        const expected = createHmac("sha256", secret).update(`${timestamp}.${req.body}`).digest("hex");
        expect(req.headers["x-kubebid-signature"]).toBe(`sha256=${expected}`);
        expect(req.headers["content-type"]).toBe("application/json");
        expect(JSON.parse(req.body)).toMatchObject({
          kind: "runway-low",
          leaseId,
          url: `https://kubebid.example/leases/${leaseId}`,
        });
      }
      // Each attempt is signed at its own time.
      expect(receiver.requests.map((r) => Number(r.headers["x-kubebid-timestamp"]))).toEqual([
        T0.getTime() / 1000,
        T0.getTime() / 1000 + 1,
        T0.getTime() / 1000 + 3,
      ]);
      // A signature made with another secret does not match.
      const other = createHmac("sha256", "whsec_other")
        .update(`x.${receiver.requests[0]?.body}`)
        .digest("hex");
      expect(receiver.requests[0]?.headers["x-kubebid-signature"]).not.toBe(`sha256=${other}`);

      const [row] = await deliveriesOf(wallet);
      expect(row).toMatchObject({ status: "sent", attempts: 3, responseStatus: 200, lastError: null });
    } finally {
      await receiver.close();
    }
  });

  it("gives up after the last attempt and keeps the receiver's answer in the log", async () => {
    const wallet = "0x00000000000000000000000000000000000000d2";
    const receiver = await startWebhookReceiver([500, 500, 500, 500]);
    try {
      const { deliver } = await withWebhook(wallet, receiver, { maxAttempts: 3 });
      await runwayAlertFor(wallet);
      expect(await deliver(T0)).toMatchObject({ retrying: 1 });
      expect(await deliver(at(BASE))).toMatchObject({ retrying: 1 });
      expect(await deliver(at(3 * BASE))).toEqual({ sent: 0, retrying: 0, failed: 1 });
      expect(await deliver(at(1000 * BASE))).toEqual({ sent: 0, retrying: 0, failed: 0 });
      expect(receiver.requests).toHaveLength(3);
      const [row] = await deliveriesOf(wallet);
      expect(row).toMatchObject({
        status: "failed",
        attempts: 3,
        responseStatus: 500,
        lastError: "HTTP 500: scripted 500",
      });
    } finally {
      await receiver.close();
    }
  });

  it("does not follow redirects", async () => {
    const receiver = await startWebhookReceiver([302]);
    try {
      const result = await sendWebhook({
        url: receiver.url,
        secret: "s",
        body: "{}",
        deliveryId: 1,
        allowPrivate: true,
      });
      expect(result).toEqual({
        ok: false,
        status: 302,
        error: "HTTP 302: redirect to http://127.0.0.1:1/elsewhere not followed",
      });
      expect(receiver.requests).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });
});

describe("webhook URLs are untrusted", () => {
  it.each([
    "http://127.0.0.1:8080/hook",
    "https://127.0.0.1/hook",
    "https://10.1.2.3/hook",
    "https://192.168.1.10/hook",
    "https://169.254.169.254/latest/meta-data",
    "https://[::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://[fd00::1]/hook",
    "https://localhost/hook",
    "https://metadata/computeMetadata",
    "https://svc.cluster.local/hook",
    "http://hooks.example.com/hook",
    "https://user:pass@hooks.example.com/hook",
  ])("refuses %s without the private-address flag", (url) => {
    expect(() => checkWebhookUrl(url, { allowPrivate: false })).toThrow(
      /private or local|https:\/\/|user name/,
    );
  });

  it("accepts a public https URL", () => {
    expect(checkWebhookUrl("https://hooks.example.com/kb", { allowPrivate: false }).host).toBe(
      "hooks.example.com",
    );
  });

  it("refuses to save a private webhook and never connects to one", async () => {
    const receiver = await startWebhookReceiver();
    try {
      await expect(
        updateAlertSettings({
          db: handle.db,
          wallet: "0x00000000000000000000000000000000000000d3",
          input: { kinds: [], runwayThresholdHours: 6, webhookUrl: receiver.url },
          allowPrivate: false,
        }),
      ).rejects.toThrow(/must use https/);
      const result = await sendWebhook({
        url: receiver.url.replace("http:", "https:"),
        secret: "s",
        body: "{}",
        deliveryId: 1,
        allowPrivate: false,
      });
      expect(result.ok).toBe(false);
      expect(result.error).toMatch(/private or local/);
      expect(receiver.requests).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });

  it("judges the resolved address at connect time (a name resolving to loopback is refused)", async () => {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      guardedLookup("localhost", { all: true }, (err) => resolve(err)),
    );
    expect(error?.code).toBe("EPRIVATEADDRESS");
  });
});

describe("email", () => {
  it("verifies the address with a mailed code, then mails a runway alert there", async () => {
    const wallet = "0x00000000000000000000000000000000000000e1";
    const email = "tenant-e1@example.com";
    const mailer = createMailer({ smtpUrl: inbox.url, from: "KubeBid <alerts@kubebid.example>" });

    // An unverified address gets no alert.
    await startEmailVerification({
      db: handle.db,
      wallet,
      email,
      mailer,
      now: T0,
      appUrl: "https://kubebid.example",
    });
    expect((await readAlertSettings({ db: handle.db, wallet })).verifiedEmail).toBeNull();
    const [codeMail] = inbox.to(email);
    expect(codeMail?.from?.value).toEqual([{ name: "KubeBid", address: "alerts@kubebid.example" }]);
    const code = /code is ([0-9]{6})/.exec(codeMail?.text ?? "")?.[1];
    if (!code) throw new Error(`no code in ${codeMail?.text}`);
    expect(codeMail?.subject).toBe(`[KubeBid] Your verification code: ${code}`);

    const wrong = code === "000000" ? "000001" : "000000";
    await expect(confirmEmailCode({ db: handle.db, wallet, code: wrong, now: T0 })).rejects.toThrow(
      /4 tries left/,
    );
    await expect(confirmEmailCode({ db: handle.db, wallet, code, now: at(16 * 60_000) })).rejects.toThrow(
      /expired/,
    );
    await confirmEmailCode({ db: handle.db, wallet, code, now: at(60_000) });
    expect((await readAlertSettings({ db: handle.db, wallet })).verifiedEmail).toBe(email);
    const [row] = await handle.db.select().from(alertSettings).where(eq(alertSettings.wallet, wallet));
    expect(row?.emailCodeHash).toBeNull();

    const leaseId = await runwayAlertFor(wallet, at(2 * 60_000));
    const outcome = await deliverDueAlerts({
      db: handle.db,
      now: at(2 * 60_000),
      mailer,
      allowPrivate: false,
      appUrl: "https://kubebid.example",
    });
    expect(outcome).toEqual({ sent: 1, retrying: 0, failed: 0 });
    const mails = inbox.to(email);
    expect(mails).toHaveLength(2);
    const alertMail = mails[1];
    expect(alertMail?.subject).toBe(
      `[KubeBid] Runway low: Lease #${leaseId} has 5h 0m of runway left, below your 6h 0m threshold`,
    );
    expect(alertMail?.text).toContain(`Open it: https://kubebid.example/leases/${leaseId}`);
    expect((await deliveriesOf(wallet))[0]).toMatchObject({
      channel: "email",
      target: email,
      status: "sent",
      attempts: 1,
    });
  });

  it("retries when the SMTP server cannot be reached", async () => {
    const wallet = "0x00000000000000000000000000000000000000e2";
    const email = "tenant-e2@example.com";
    const mailer = createMailer({ smtpUrl: inbox.url, from: "alerts@kubebid.example" });
    await startEmailVerification({ db: handle.db, wallet, email, mailer, now: T0 });
    const code = /code is ([0-9]{6})/.exec(inbox.to(email)[0]?.text ?? "")?.[1] ?? "";
    await confirmEmailCode({ db: handle.db, wallet, code, now: T0 });
    await runwayAlertFor(wallet);
    // Port 1 on loopback: nothing listens there.
    const down = createMailer({ smtpUrl: "smtp://127.0.0.1:1", from: "alerts@kubebid.example" });
    expect(
      await deliverDueAlerts({
        db: handle.db,
        now: T0,
        mailer: down,
        allowPrivate: false,
        baseDelayMs: BASE,
      }),
    ).toEqual({ sent: 0, retrying: 1, failed: 0 });
    expect((await deliveriesOf(wallet))[0]?.lastError).toMatch(/ECONNREFUSED|connect/);
    expect(
      await deliverDueAlerts({
        db: handle.db,
        now: at(BASE),
        mailer,
        allowPrivate: false,
        baseDelayMs: BASE,
      }),
    ).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(inbox.to(email)).toHaveLength(2);
  });
});
