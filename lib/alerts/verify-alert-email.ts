import "server-only";
import { createHash, randomInt, timingSafeEqual } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { alertSettings } from "@/db/schema";
import { defaultSettingsRow, readAlertSettings } from "@/lib/alerts/alert-settings";
import type { Mailer } from "@/lib/alerts/mailer";
import { AppError } from "@/lib/errors";

// An email address receives alerts only once its owner proved it reads it: a 6-digit code is mailed
// to it and typed back on the settings page. The code is stored as its SHA-256, expires after
// CODE_TTL_MS and allows MAX_ATTEMPTS guesses (10^6 codes: 5 guesses succeed with p = 5·10⁻⁶);
// a new code (resend) resets both. Setting a new address unverifies the old one at once.

const CODE_TTL_MS = 15 * 60_000;
const MAX_ATTEMPTS = 5;

const hashCode = (code: string) => createHash("sha256").update(code).digest("hex");

/** Sets the wallet's email address (unverified) and mails it a code; null removes the address. */
export async function startEmailVerification(opts: {
  db: Db;
  wallet: string;
  email: string | null;
  mailer: Mailer | null;
  now: Date;
  appUrl?: string;
}): Promise<void> {
  const current = await readAlertSettings(opts);
  if (opts.email === null) {
    const cleared = {
      email: null,
      emailVerifiedAt: null,
      emailCodeHash: null,
      emailCodeExpiresAt: null,
      emailCodeAttempts: 0,
      updatedAt: opts.now,
    };
    await opts.db
      .insert(alertSettings)
      .values({ ...defaultSettingsRow(current.wallet), ...cleared })
      .onConflictDoUpdate({ target: alertSettings.wallet, set: cleared });
    return;
  }
  if (!opts.mailer)
    throw new AppError(
      "SERVICE_UNAVAILABLE",
      "Email alerts are off on this server (no SMTP server is configured).",
    );
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const values = {
    email: opts.email,
    emailVerifiedAt: null,
    emailCodeHash: hashCode(code),
    emailCodeExpiresAt: new Date(opts.now.getTime() + CODE_TTL_MS),
    emailCodeAttempts: 0,
    updatedAt: opts.now,
  };
  await opts.db
    .insert(alertSettings)
    .values({ ...defaultSettingsRow(current.wallet), ...values })
    .onConflictDoUpdate({ target: alertSettings.wallet, set: values });
  try {
    await opts.mailer.send({
      to: opts.email,
      subject: `[KubeBid] Your verification code: ${code}`,
      text: [
        `Your KubeBid verification code is ${code}.`,
        "",
        `Type it on the alert settings page${opts.appUrl ? ` (${opts.appUrl}/settings/alerts)` : ""} within 15 minutes to receive alerts of wallet ${current.wallet} at this address.`,
        "If you did not ask for it, ignore this email: nothing will be sent here.",
      ].join("\n"),
    });
  } catch (error) {
    throw new AppError(
      "UPSTREAM_UNAVAILABLE",
      "The verification email could not be sent. Please try again later.",
      {
        cause: error,
      },
    );
  }
}

export async function confirmEmailCode(opts: {
  db: Db;
  wallet: string;
  code: string;
  now: Date;
}): Promise<void> {
  const { row } = await readAlertSettings(opts);
  if (!row?.email || row.emailVerifiedAt)
    throw new AppError("CONFLICT", "There is no email address waiting for a code.");
  if (!row.emailCodeHash || !row.emailCodeExpiresAt || row.emailCodeExpiresAt <= opts.now)
    throw new AppError("BAD_REQUEST", "The code has expired: send a new one.");
  if (row.emailCodeAttempts >= MAX_ATTEMPTS)
    throw new AppError("BAD_REQUEST", "Too many wrong codes: send a new one.");
  const ok = timingSafeEqual(Buffer.from(hashCode(opts.code), "hex"), Buffer.from(row.emailCodeHash, "hex"));
  if (!ok) {
    await opts.db
      .update(alertSettings)
      .set({ emailCodeAttempts: sql`${alertSettings.emailCodeAttempts} + 1` })
      .where(eq(alertSettings.wallet, row.wallet));
    const left = MAX_ATTEMPTS - row.emailCodeAttempts - 1;
    throw new AppError(
      "BAD_REQUEST",
      left > 0
        ? `That code is not right (${left} ${left === 1 ? "try" : "tries"} left).`
        : "That code is not right: send a new one.",
    );
  }
  await opts.db
    .update(alertSettings)
    .set({ emailVerifiedAt: opts.now, emailCodeHash: null, emailCodeExpiresAt: null, emailCodeAttempts: 0 })
    .where(eq(alertSettings.wallet, row.wallet));
}
