import "server-only";
import { randomBytes } from "node:crypto";
import { and, eq, gt, lt } from "drizzle-orm";
import { type Address, getAddress, type Hex, type PublicClient } from "viem";
import { generateSiweNonce, parseSiweMessage, validateSiweMessage } from "viem/siwe";
import type { Db } from "@/db/client";
import { sessions, siweNonces } from "@/db/schema";
import { AppError } from "@/lib/errors";

// Sign-In with Ethereum (EIP-4361) sessions. The server hands out a one-time nonce, the wallet
// signs a SIWE message carrying it, and a verified signature (EOA or ERC-1271 through the RPC)
// becomes an opaque session id in an httpOnly cookie. Sessions live in the database, so any app
// process can serve any request.

export const SESSION_COOKIE = "kb_session";
export const SESSION_TTL_MS = 24 * 60 * 60 * 1000;
const NONCE_TTL_MS = 10 * 60 * 1000;

export async function createNonce({ db }: { db: Db }): Promise<string> {
  const nonce = generateSiweNonce();
  await db.delete(siweNonces).where(lt(siweNonces.expiresAt, new Date()));
  await db.insert(siweNonces).values({ nonce, expiresAt: new Date(Date.now() + NONCE_TTL_MS) });
  return nonce;
}

export interface SignInOptions {
  db: Db;
  client: PublicClient;
  message: string;
  signature: Hex;
  /** The host the message must name (the request's Host header). */
  domain: string;
  chainId: number;
}

export async function signIn(
  opts: SignInOptions,
): Promise<{ sessionId: string; address: Address; expiresAt: Date }> {
  const fields = parseSiweMessage(opts.message);
  if (!fields.address || !fields.nonce)
    throw new AppError("BAD_REQUEST", "Not a Sign-In with Ethereum message.");
  if (!validateSiweMessage({ message: fields, domain: opts.domain })) {
    throw new AppError("UNAUTHORIZED", "The sign-in message is expired, not yet valid, or for another site.");
  }
  if (fields.chainId !== opts.chainId) {
    throw new AppError("UNAUTHORIZED", `Sign in on chain ${opts.chainId}, not ${fields.chainId}.`);
  }
  // The nonce is consumed whatever happens next: a message can be tried once.
  const consumed = await opts.db
    .delete(siweNonces)
    .where(and(eq(siweNonces.nonce, fields.nonce), gt(siweNonces.expiresAt, new Date())))
    .returning();
  if (consumed.length === 0)
    throw new AppError("UNAUTHORIZED", "This sign-in request has expired. Please try again.");

  const valid = await opts.client.verifySiweMessage({
    message: opts.message,
    signature: opts.signature,
    domain: opts.domain,
    nonce: fields.nonce,
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
