// POST /api/auth/verify – verifies a signed SIWE message and starts a session (httpOnly cookie).
import { NextResponse } from "next/server";
import { z } from "zod";
import { route } from "@/lib/api/handler";
import { SESSION_COOKIE, signIn } from "@/lib/auth/session";
import { getPublicClient } from "@/lib/chain/public-client";
import { getConfig } from "@/lib/config";

const body = z.object({
  message: z.string().min(1).max(4096),
  signature: z
    .string()
    .regex(/^0x[0-9a-fA-F]+$/, "must be hex")
    .max(20_000),
});

export const POST = route({ body }, async ({ db, body, req }) => {
  const config = getConfig();
  const { sessionId, address, expiresAt } = await signIn({
    db,
    client: getPublicClient(),
    message: body.message,
    signature: body.signature as `0x${string}`,
    domain: req.headers.get("host") ?? req.nextUrl.host,
    chainId: config.CHAIN_ID,
  });
  const res = NextResponse.json({ address, expiresAt });
  res.cookies.set(SESSION_COOKIE, sessionId, {
    httpOnly: true,
    sameSite: "lax",
    secure: req.nextUrl.protocol === "https:",
    path: "/",
    expires: expiresAt,
  });
  return res;
});
