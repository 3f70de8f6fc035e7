import { NextRequest } from "next/server";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { sessions } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { type AnvilInstance, startAnvil } from "@/lib/chain/start-anvil";
import { installTestDb } from "@/lib/testing/install-test-db";

// Sign-In with Ethereum through the real route handler, a real database and a real chain (anvil
// answers the signature check). The attack this guards against: a phishing site has a wallet sign a
// message for its own domain and relays it to us with a forged Host header.

const APP_ORIGIN = "https://kubebid.example";
let anvil: AnvilInstance;
let db: DbHandle;
let POST: (req: NextRequest, segment: { params: Promise<Record<string, string>> }) => Promise<Response>;
let GET_NONCE: typeof POST;
const account = privateKeyToAccount(generatePrivateKey());

beforeAll(async () => {
  anvil = await startAnvil();
  // The app reads its configuration once; set it before the route modules load.
  Object.assign(process.env, {
    APP_URL: APP_ORIGIN,
    RPC_URL: anvil.rpcUrl,
    CHAIN_ID: String(anvil.chainId),
    RATE_LIMIT_SCALE: "100",
  });
  db = installTestDb(await createTestDb());
  POST = (await import("@/app/api/auth/verify/route")).POST;
  GET_NONCE = (await import("@/app/api/auth/nonce/route")).GET;
});
afterAll(async () => {
  await db?.close();
  await anvil?.stop();
});

const segment = { params: Promise.resolve({}) };

async function nonce(): Promise<string> {
  const res = await GET_NONCE(new NextRequest(`${APP_ORIGIN}/api/auth/nonce`), segment);
  return (await res.json()).nonce;
}

async function signedMessage(overrides: Partial<Parameters<typeof createSiweMessage>[0]> = {}) {
  const message = createSiweMessage({
    address: account.address,
    chainId: anvil.chainId,
    domain: "kubebid.example",
    uri: APP_ORIGIN,
    version: "1",
    nonce: await nonce(),
    issuedAt: new Date(),
    ...overrides,
  });
  return { message, signature: await account.signMessage({ message }) };
}

async function verify(body: unknown, host = "kubebid.example") {
  return POST(
    new NextRequest(`http://${host}/api/auth/verify`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json", host, "x-forwarded-host": host },
    }),
    segment,
  );
}

async function sessionCount(): Promise<number> {
  return (await db.db.select().from(sessions)).length;
}

async function expectRefused(res: Response, pattern?: RegExp) {
  expect([401, 403]).toContain(res.status);
  expect(res.headers.get("set-cookie")).toBeNull();
  if (pattern) expect((await res.json()).error.message).toMatch(pattern);
}

describe("POST /api/auth/verify", () => {
  it("starts a session for a fresh message naming the configured origin", async () => {
    const before = await sessionCount();
    const res = await verify(await signedMessage());
    expect(res.status).toBe(200);
    expect((await res.json()).address).toBe(account.address);
    expect(res.headers.get("set-cookie")).toMatch(/kb_session=.+; .*HttpOnly/i);
    expect(res.headers.get("set-cookie")).toMatch(/Secure/i);
    expect(await sessionCount()).toBe(before + 1);
  });

  it("refuses a message signed for another site, relayed with that site's Host", async () => {
    const before = await sessionCount();
    const phished = await signedMessage({
      domain: "kubebid-login.example",
      uri: "https://kubebid-login.example",
    });
    await expectRefused(await verify(phished, "kubebid-login.example"), /signed for kubebid-login\.example/);
    expect(await sessionCount()).toBe(before);
  });

  it("refuses a message for another site whatever Host it arrives with", async () => {
    const before = await sessionCount();
    const phished = await signedMessage({ domain: "evil.example", uri: "https://evil.example" });
    await expectRefused(await verify(phished, "kubebid.example"));
    await expectRefused(await verify(await signedMessage({ domain: "evil.example" })));
    expect(await sessionCount()).toBe(before);
  });

  it("refuses our domain with another URI, scheme or port", async () => {
    const before = await sessionCount();
    await expectRefused(await verify(await signedMessage({ uri: "https://evil.example/login" })), /URI/);
    await expectRefused(await verify(await signedMessage({ uri: "http://kubebid.example" })), /URI/);
    await expectRefused(await verify(await signedMessage({ domain: "kubebid.example:8443" })));
    await expectRefused(await verify(await signedMessage({ scheme: "http" })), /scheme/);
    expect(await sessionCount()).toBe(before);
  });

  it("refuses stale, future, expired and not-yet-valid messages, and another chain", async () => {
    const before = await sessionCount();
    const now = Date.now();
    await expectRefused(
      await verify(await signedMessage({ issuedAt: new Date(now - 11 * 60_000) })),
      /too old/,
    );
    await expectRefused(
      await verify(await signedMessage({ issuedAt: new Date(now + 5 * 60_000) })),
      /future/,
    );
    await expectRefused(
      await verify(await signedMessage({ expirationTime: new Date(now - 1000) })),
      /expired/,
    );
    await expectRefused(
      await verify(await signedMessage({ notBefore: new Date(now + 5 * 60_000) })),
      /not valid yet/,
    );
    await expectRefused(await verify(await signedMessage({ chainId: 1 })), /chain/);
    expect(await sessionCount()).toBe(before);
  });

  it("uses a nonce once, and only one the server issued", async () => {
    const signed = await signedMessage();
    expect((await verify(signed)).status).toBe(200);
    const before = await sessionCount();
    await expectRefused(await verify(signed), /expired/);
    await expectRefused(await verify(await signedMessage({ nonce: "notIssuedByUs1234" })));
    expect(await sessionCount()).toBe(before);
  });

  it("refuses a signature by another key", async () => {
    const before = await sessionCount();
    const { message } = await signedMessage();
    const other = privateKeyToAccount(generatePrivateKey());
    await expectRefused(await verify({ message, signature: await other.signMessage({ message }) }));
    expect(await sessionCount()).toBe(before);
  });
});
