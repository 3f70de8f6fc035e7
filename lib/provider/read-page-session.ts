import "server-only";
import { cookies } from "next/headers";
import type { Db } from "@/db/client";
import { readSession, SESSION_COOKIE } from "@/lib/auth/session";

/** The signed-in address of the request rendering a server page, or null. */
export async function readPageSession(db: Db): Promise<string | null> {
  const sessionId = (await cookies()).get(SESSION_COOKIE)?.value;
  const session = await readSession({ db, sessionId });
  return session?.address ?? null;
}
