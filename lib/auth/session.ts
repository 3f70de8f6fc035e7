import "server-only";
import { randomBytes } from "node:crypto";
import { and, eq, gt, lt } from "drizzle-orm";
import { type Address, getAddress, type Hex, type PublicClient } from "viem";
import { generateSiweNonce, parseSiweMessage } from "viem/siwe";
import type { Db } from "@/db/client";
import { sessions, siweNonces } from "@/db/schema";
import { AppError } from "@/lib/errors";

// Sign-In with Ethereum (EIP-4361) sessions. The server hands out a one-time nonce, the wallet
// signs a SIWE message carrying it, and a verified signature (EOA or ERC-1271 through the RPC)
// becomes an opaque session id in an httpOnly cookie. Sessions live in the database, so any app
// process can serve any request.

export const SESSION_COOKIE = "kb_session";
const SESSION_TTL_MS = 24 * 60 * 60 * 1000;
const NONCE_TTL_MS = 10 * 60 * 1000;

export async function createNonce({ db }: { db: Db }): Promise<string> {
  const nonce = generateSiweNonce();
  await db.delete(siweNonces).where(lt(siweNonces.expiresAt, new Date()));
  await db.insert(siweNonces).values({ nonce, expiresAt: new Date(Date.now() + NONCE_TTL_MS) });
  return nonce;
}

/** How old a sign-in message may be, and how far ahead a wallet's clock may run. */
const SIWE_MAX_AGE_MS = 10 * 60 * 1000;
const SIWE_CLOCK_SKEW_MS = 60 * 1000;

export interface SignInOptions {
  db: Db;
  client: PublicClient;
  message: string;
  signature: Hex;
  /**
   * The app's public origin (APP_URL): the message's domain and URI must name it. Never a request
   * header: a phishing site relaying its own users' signatures can set any Host it likes.
   */
  origin: string;
  chainId: number;
  now?: Date;
}

const refused = (why: string) => new AppError("UNAUTHORIZED", `This sign-in message cannot be used: ${why}`);

/** Every EIP-4361 field the server relies on, checked before the nonce is spent or the RPC asked. */
function checkMessage(fields: ReturnType<typeof parseSiweMessage>, opts: SignInOptions, now: number) {
  const origin = new URL(opts.origin);
  if (fields.version !== "1") throw refused("unsupported version.");
  if (fields.domain?.toLowerCase() !== origin.host.toLowerCase())
    throw refused(`it was signed for ${fields.domain ?? "no site"}, not ${origin.host}.`);
  let uri: URL;
  try {
    uri = new URL(fields.uri ?? "");
  } catch {
    throw refused("its URI is not a URL.");
  }
  if (uri.origin !== origin.origin) throw refused(`its URI is on ${uri.origin}, not ${origin.origin}.`);
  if (fields.scheme && `${fields.scheme}:` !== origin.protocol)
    throw refused(`its scheme is ${fields.scheme}, not ${origin.protocol.slice(0, -1)}.`);
  if (fields.chainId !== opts.chainId)
    throw new AppError("UNAUTHORIZED", `Sign in on chain ${opts.chainId}, not ${fields.chainId}.`);
  const issuedAt = fields.issuedAt?.getTime();
  if (issuedAt === undefined || Number.isNaN(issuedAt)) throw refused("it has no issue time.");
  if (issuedAt > now + SIWE_CLOCK_SKEW_MS) throw refused("it was issued in the future.");
  if (issuedAt < now - SIWE_MAX_AGE_MS) throw refused("it is too old. Please sign in again.");
  const expires = fields.expirationTime?.getTime();
  if (expires !== undefined && !(expires > now)) throw refused("it has expired.");
  const notBefore = fields.notBefore?.getTime();
  if (notBefore !== undefined && !(notBefore <= now + SIWE_CLOCK_SKEW_MS))
    throw refused("it is not valid yet.");
}

export async function signIn(
  opts: SignInOptions,
): Promise<{ sessionId: string; address: Address; expiresAt: Date }> {
  const now = opts.now ?? new Date();
  let fields: ReturnType<typeof parseSiweMessage>;
  try {
    fields = parseSiweMessage(opts.message);
  } catch {
    throw new AppError("BAD_REQUEST", "Not a Sign-In with Ethereum message.");
  }
  if (!fields.address || !fields.nonce)
    throw new AppError("BAD_REQUEST", "Not a Sign-In with Ethereum message.");
  checkMessage(fields, opts, now.getTime());
  // The nonce is consumed whatever happens next: a message can be tried once.
  const consumed = await opts.db
    .delete(siweNonces)
    .where(and(eq(siweNonces.nonce, fields.nonce), gt(siweNonces.expiresAt, now)))
    .returning();
  if (consumed.length === 0)
    throw new AppError("UNAUTHORIZED", "This sign-in request has expired. Please try again.");

  const valid = await opts.client.verifySiweMessage({
    message: opts.message,
    signature: opts.signature,
    domain: new URL(opts.origin).host,
    nonce: fields.nonce,
    time: now,
  });
  if (!valid) throw new AppError("UNAUTHORIZED", "The signature does not match the sign-in message.");

  const sessionId = randomBytes(32).toString("base64url");
  const address = getAddress(fields.address);
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await opts.db
    .insert(sessions)
    .values({ id: sessionId, address: address.toLowerCase(), chainId: opts.chainId, expiresAt });
  return { sessionId, address, expiresAt };
}

export async function readSession({ db, sessionId }: { db: Db; sessionId: string | undefined }) {
  if (!sessionId || sessionId.length > 100) return null;
  const [row] = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), gt(sessions.expiresAt, new Date())));
  return row ? { address: getAddress(row.address), expiresAt: row.expiresAt } : null;
}

export async function signOut({ db, sessionId }: { db: Db; sessionId: string | undefined }) {
  if (sessionId) await db.delete(sessions).where(eq(sessions.id, sessionId));
}
