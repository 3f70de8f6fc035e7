import { createHmac, randomBytes } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { sessions } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { evaluateAlerts } from "@/lib/alerts/evaluate-alerts";
import { insertLease, termsFromRow } from "@/lib/testing/alert-test-data";
import { installTestDb } from "@/lib/testing/install-test-db";
import { type SmtpInbox, startSmtpInbox } from "@/lib/testing/start-smtp-inbox";
import { startWebhookReceiver, type WebhookReceiver } from "@/lib/testing/start-webhook-receiver";

// The alert routes as Next calls them, on a real database with a real SMTP server and webhook
// receiver: each wallet sees and changes only its own alerts, settings and delivery log.

const ORIGIN = "https://kubebid.example";
const A = "0x00000000000000000000000000000000000000a1";
const B = "0x00000000000000000000000000000000000000b2";
let db: DbHandle;
let inbox: SmtpInbox;
let receiver: WebhookReceiver;
const cookie: Record<string, string> = {};
type Handler = (req: NextRequest, segment: { params: Promise<Record<string, string>> }) => Promise<Response>;
const routes: Record<string, Handler> = {};

beforeAll(async () => {
  inbox = await startSmtpInbox();
  receiver = await startWebhookReceiver();
  // The app reads its configuration once; set it before the route modules load.
  Object.assign(process.env, {
    APP_URL: ORIGIN,
    SMTP_URL: inbox.url,
    ALERT_FROM: "KubeBid <alerts@kubebid.example>",
    ALLOW_PRIVATE_CLUSTER_ADDRESSES: "true",
    RATE_LIMIT_SCALE: "100",
  });
  db = installTestDb(await createTestDb());
  for (const wallet of [A, B]) {
    const id = randomBytes(16).toString("hex");
    await db.db
      .insert(sessions)
      .values({ id, address: wallet, chainId: 31337, expiresAt: new Date(Date.now() + 3600_000) });
    cookie[wallet] = id;
  }
  routes["GET /api/alerts"] = (await import("@/app/api/alerts/route")).GET;
  routes["POST /api/alerts/read"] = (await import("@/app/api/alerts/read/route")).POST;
  const settings = await import("@/app/api/alerts/settings/route");
  routes["GET /api/alerts/settings"] = settings.GET;
  routes["PUT /api/alerts/settings"] = settings.PUT;
  routes["POST /api/alerts/email"] = (await import("@/app/api/alerts/email/route")).POST;
  routes["POST /api/alerts/email/verify"] = (await import("@/app/api/alerts/email/verify/route")).POST;
  routes["POST /api/alerts/webhook/test"] = (await import("@/app/api/alerts/webhook/test/route")).POST;
  routes["GET /api/alerts/deliveries"] = (await import("@/app/api/alerts/deliveries/route")).GET;
});
afterAll(async () => {
  await receiver?.close();
  await inbox?.close();
  await db?.close();
});

async function call(wallet: string | null, method: string, path: string, body?: unknown) {
  const handler = routes[`${method} ${path}`];
  if (!handler) throw new Error(`no route ${method} ${path}`);
  const headers: Record<string, string> = {};
  if (wallet) headers.cookie = `kb_session=${cookie[wallet]}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await handler(
    new NextRequest(`${ORIGIN}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    { params: Promise.resolve({}) },
  );
  return { status: res.status, json: await res.json() };
}

const settingsInput = { kinds: ["runway-low", "lease-closed"], runwayThresholdHours: 12, webhookUrl: null };

describe("alert routes", () => {
  it("answer 401 without a session", async () => {
    for (const [method, path] of [
      ["GET", "/api/alerts"],
      ["GET", "/api/alerts/settings"],
      ["GET", "/api/alerts/deliveries"],
      ["POST", "/api/alerts/webhook/test"],
    ] as const)
      expect((await call(null, method, path)).status).toBe(401);
    expect((await call(null, "PUT", "/api/alerts/settings", settingsInput)).status).toBe(401);
    expect((await call(null, "POST", "/api/alerts/read", { all: true })).status).toBe(401);
  });

  it("keep each wallet's settings its own; the webhook secret is shown once", async () => {
    const saved = await call(A, "PUT", "/api/alerts/settings", {
      ...settingsInput,
      webhookUrl: receiver.url,
    });
    expect(saved.status).toBe(200);
    expect(saved.json.webhookSecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(saved.json.settings).toMatchObject({
      runwayThresholdHours: 12,
      webhookUrl: receiver.url,
      webhookSecretSet: true,
    });

    const again = await call(A, "GET", "/api/alerts/settings");
    expect(again.json).toMatchObject({
      kinds: ["runway-low", "lease-closed"],
      webhookUrl: receiver.url,
      emailAvailable: true,
    });
    expect(JSON.stringify(again.json)).not.toContain(saved.json.webhookSecret);
    // Saving the same URL keeps the secret (and does not show it again).
    expect(
      (await call(A, "PUT", "/api/alerts/settings", { ...settingsInput, webhookUrl: receiver.url })).json
        .webhookSecret,
    ).toBeNull();

    // B sees defaults, and its save changes only its own row.
    expect((await call(B, "GET", "/api/alerts/settings")).json).toMatchObject({
      webhookUrl: null,
      runwayThresholdHours: 6,
    });
    await call(B, "PUT", "/api/alerts/settings", { kinds: [], runwayThresholdHours: 1, webhookUrl: null });
    expect((await call(A, "GET", "/api/alerts/settings")).json).toMatchObject({
      runwayThresholdHours: 12,
      webhookUrl: receiver.url,
    });

    // The test button signs with A's secret and the delivery shows in A's log only.
    const test = await call(A, "POST", "/api/alerts/webhook/test");
    expect(test.json).toEqual({ ok: true, status: 200, error: null });
    const req = receiver.requests.at(-1);
    const mac = createHmac("sha256", saved.json.webhookSecret)
      .update(`${req?.headers["x-kubebid-timestamp"]}.${req?.body}`)
      .digest("hex");
    expect(req?.headers["x-kubebid-signature"]).toBe(`sha256=${mac}`);
    expect(JSON.parse(req?.body ?? "{}").kind).toBe("test");
    expect((await call(A, "GET", "/api/alerts/deliveries")).json.deliveries).toMatchObject([
      { channel: "webhook", target: receiver.url, status: "sent", attempts: 1, responseStatus: 200 },
    ]);
    expect((await call(B, "GET", "/api/alerts/deliveries")).json.deliveries).toEqual([]);
    expect((await call(B, "POST", "/api/alerts/webhook/test")).status).toBe(409);
  });

  it("refuse bad settings with a message naming the field", async () => {
    const res = await call(A, "PUT", "/api/alerts/settings", { ...settingsInput, runwayThresholdHours: 0 });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe(
      "Invalid body: runwayThresholdHours: must be at least 0.25 h (15 minutes)",
    );
    const url = await call(A, "PUT", "/api/alerts/settings", {
      ...settingsInput,
      webhookUrl: "ftp://x.example",
    });
    expect(url.json.error.message).toMatch(/webhookUrl: must start with https:\/\//);
  });

  it("show each wallet only its alerts; another wallet cannot mark them read", async () => {
    await insertLease(db.db, { id: "1", tenant: A, startedAt: new Date(Date.now() - 5 * 3600_000) });
    await evaluateAlerts({
      db: db.db,
      now: new Date(),
      chainSeconds: Date.now() / 1000,
      readTerms: async (lease) => termsFromRow(lease),
      emailEnabled: true,
    });
    const mine = await call(A, "GET", "/api/alerts");
    expect(mine.json.unread).toBe(1);
    expect(mine.json.alerts).toMatchObject([{ kind: "runway-low", leaseId: "1", read: false }]);
    const id = mine.json.alerts[0].id;
    expect((await call(B, "GET", "/api/alerts")).json).toEqual({ alerts: [], unread: 0 });
    expect((await call(B, "POST", "/api/alerts/read", { ids: [id] })).json).toEqual({ changed: 0 });
    expect((await call(B, "POST", "/api/alerts/read", { all: true })).json).toEqual({ changed: 0 });
    expect((await call(A, "GET", "/api/alerts")).json.unread).toBe(1);
    expect((await call(A, "POST", "/api/alerts/read", { ids: [id] })).json).toEqual({ changed: 1 });
    expect((await call(A, "GET", "/api/alerts")).json).toMatchObject({
      unread: 0,
      alerts: [{ id, read: true }],
    });
  });

  it("verify an email address with the code mailed to it", async () => {
    const email = "a1@example.com";
    expect((await call(A, "POST", "/api/alerts/email", { email: "not-an-address" })).status).toBe(400);
    expect((await call(A, "POST", "/api/alerts/email", { email: " A1@Example.com " })).json).toEqual({
      ok: true,
    });
    const code = /code is ([0-9]{6})/.exec(inbox.to(email)[0]?.text ?? "")?.[1];
    if (!code) throw new Error("no verification mail");
    expect((await call(A, "GET", "/api/alerts/settings")).json).toMatchObject({
      email,
      emailVerified: false,
      emailPending: true,
    });
    // B cannot use A's code: it has no address waiting.
    expect((await call(B, "POST", "/api/alerts/email/verify", { code })).status).toBe(409);
    expect((await call(A, "POST", "/api/alerts/email/verify", { code: "12345" })).status).toBe(400);
    expect((await call(A, "POST", "/api/alerts/email/verify", { code })).json).toEqual({ ok: true });
    expect((await call(A, "GET", "/api/alerts/settings")).json).toMatchObject({
      email,
      emailVerified: true,
      emailPending: false,
    });
    expect((await call(B, "GET", "/api/alerts/settings")).json).toMatchObject({
      email: null,
      emailVerified: false,
    });
    // Removing it.
    expect((await call(A, "POST", "/api/alerts/email", { email: null })).json).toEqual({ ok: true });
    expect((await call(A, "GET", "/api/alerts/settings")).json).toMatchObject({
      email: null,
      emailVerified: false,
    });
  });
});
