// POST /api/auth/logout – ends the session and clears its cookie.
import { NextResponse } from "next/server";
import { route } from "@/lib/api/handler";
import { SESSION_COOKIE, signOut } from "@/lib/auth/session";

export const POST = route({}, async ({ db, sessionId }) => {
  await signOut({ db, sessionId });
  const res = NextResponse.json({ ok: true });
  res.cookies.delete(SESSION_COOKIE);
  return res;
});
