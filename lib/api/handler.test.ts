import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { DbHandle } from "@/db/client";
import { createTestDb } from "@/db/test-db";
import { installTestDb } from "@/lib/testing/install-test-db";
import { PEER_ADDRESS_HEADER } from "./client-ip";
import { MAX_BODY_BYTES, route } from "./handler";
import { rateLimitRules } from "./rate-limit";

// The route wrapper on real requests and a real database: content type, body cap, rate limits.

let db: DbHandle;
beforeAll(async () => {
  db = installTestDb(await createTestDb());
});
afterAll(async () => {
  await db.close();
});

const echo = route({ body: z.object({ a: z.string() }) }, async ({ body }) => body);
const noSegment = { params: Promise.resolve({}) };

function post(body: BodyInit | null, headers: Record<string, string>) {
  return new NextRequest("http://127.0.0.1/api/x", {
    method: "POST",
    body,
    headers,
    // Node's fetch Request needs this for a streamed body.
    duplex: "half",
  } as ConstructorParameters<typeof NextRequest>[1]);
}

/** A body that never ends, counting how many bytes the server pulled from it. */
function endlessBody(chunkBytes = 16 * 1024) {
  const pulled = { bytes: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled.bytes += chunkBytes;
      controller.enqueue(new Uint8Array(chunkBytes).fill(0x20));
    },
  });
  return { stream, pulled };
}

describe("JSON bodies", () => {
  it("accepts application/json (with a charset)", async () => {
    const res = await echo(
      post('{"a":"x"}', { "content-type": "application/json; charset=utf-8" }),
      noSegment,
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ a: "x" });
  });

  it.each([
    ["text/plain", '{"a":"x"}'],
    ["application/x-www-form-urlencoded", "a=x"],
    ["multipart/form-data; boundary=x", "--x--"],
    ["", '{"a":"x"}'],
  ])("answers 415 to %j", async (type, body) => {
    const headers: Record<string, string> = type ? { "content-type": type } : {};
    const res = await echo(post(body, headers), noSegment);
    expect(res.status).toBe(415);
    expect((await res.json()).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("refuses a declared oversize body without reading it", async () => {
    const { stream, pulled } = endlessBody();
    const res = await echo(
      post(stream, { "content-type": "application/json", "content-length": String(MAX_BODY_BYTES + 1) }),
      noSegment,
    );
    expect(res.status).toBe(413);
    // The stream's first pull happens when it is constructed; nothing beyond it is read.
    expect(pulled.bytes).toBeLessThanOrEqual(16 * 1024 * 2);
  });

  it("stops reading an undeclared body as soon as it passes the cap", async () => {
    const { stream, pulled } = endlessBody();
    const res = await echo(post(stream, { "content-type": "application/json" }), noSegment);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("PAYLOAD_TOO_LARGE");
    // An endless body was cut off within a couple of chunks of the cap, not buffered.
    expect(pulled.bytes).toBeGreaterThan(MAX_BODY_BYTES);
    expect(pulled.bytes).toBeLessThanOrEqual(MAX_BODY_BYTES + 4 * 16 * 1024);
  });

  it("answers 400 to broken JSON and to non-UTF-8 bytes", async () => {
    const broken = await echo(post("{not json", { "content-type": "application/json" }), noSegment);
    expect(broken.status).toBe(400);
    const binary = await echo(
      post(new Uint8Array([0x22, 0xff, 0xfe, 0x22]), { "content-type": "application/json" }),
      noSegment,
    );
    expect(binary.status).toBe(400);
  });
});

describe("rate limits in the wrapper", () => {
  const limited = route({ rateLimit: "authNonce" }, async () => ({ ok: true }));
  const get = (headers: Record<string, string>) =>
    limited(new NextRequest("http://127.0.0.1/api/auth/nonce", { headers }), noSegment);

  it("answers 429 with Retry-After and a JSON message past the allowance, per client", async () => {
    const allowance = rateLimitRules.authNonce.points;
    const client = { [PEER_ADDRESS_HEADER]: "203.0.113.7" };
    for (let i = 0; i < allowance; i++) expect((await get(client)).status).toBe(200);
    const refused = await get(client);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(rateLimitRules.authNonce.seconds);
    const body = await refused.json();
    expect(body.error.code).toBe("RATE_LIMITED");
    expect(body.error.message).toMatch(/Too many requests/);

    // A forged X-Forwarded-For does not buy a fresh allowance (no trusted proxy is configured).
    const forged = await get({ ...client, "x-forwarded-for": "198.51.100.99" });
    expect(forged.status).toBe(429);
    // Another client still gets through.
    expect((await get({ [PEER_ADDRESS_HEADER]: "203.0.113.8" })).status).toBe(200);
  });
});
