// POST /api/auth/verify – verifies a signed SIWE message and starts a session (httpOnly cookie).
import { NextResponse } from "next/server";
import { z } from "zod";
import { route } from "@/lib/api/handler";
import { SESSION_COOKIE, signIn } from "@/lib/auth/session";
import { getPublicClient } from "@/lib/chain/public-client";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";

const body = z.object({
  message: z.string().min(1).max(4096),
  signature: z
    .string()
    .regex(/^0x[0-9a-fA-F]+$/, "must be hex")
    .max(20_000),
});

export const POST = route({ body, rateLimit: "authVerify" }, async ({ db, body }) => {
  const config = getConfig();
  if (!config.APP_URL)
    throw new AppError("SERVICE_UNAVAILABLE", "Sign-in is not configured on this server (APP_URL is unset).");
  const origin = config.APP_URL;
  const { sessionId, address, expiresAt } = await signIn({
    db,
    client: getPublicClient(),
    message: body.message,
    signature: body.signature as `0x${string}`,
    origin,
    chainId: config.CHAIN_ID,
  });
  const res = NextResponse.json({ address, expiresAt });
  res.cookies.set(SESSION_COOKIE, sessionId, {
    httpOnly: true,
    sameSite: "lax",
    secure: origin.startsWith("https:"),
    path: "/",
    expires: expiresAt,
  });
  return res;
});
