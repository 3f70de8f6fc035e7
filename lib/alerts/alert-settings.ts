import "server-only";
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type AlertKind, type AlertSettings, alertSettings } from "@/db/schema";
import {
  ALERT_KIND_IDS,
  type AlertSettingsInput,
  type AlertSettingsView,
  DEFAULT_RUNWAY_THRESHOLD_HOURS,
} from "@/lib/alerts/alert-kinds";
import { checkWebhookUrl } from "@/lib/alerts/send-webhook";

// A wallet's alert settings: read (defaults when it never saved any), saved, and shown without the
// webhook secret. Every query is keyed by the signed-in wallet: there is no way to name another's.

export interface EffectiveAlertSettings {
  wallet: string;
  kinds: AlertKind[];
  runwayThresholdSeconds: number;
  webhookUrl: string | null;
  webhookSecret: string | null;
  /** Only a verified address receives alerts. */
  verifiedEmail: string | null;
  row: AlertSettings | null;
}

export function defaultAlertSettings(wallet: string): EffectiveAlertSettings {
  return {
    wallet,
    kinds: [...ALERT_KIND_IDS],
    runwayThresholdSeconds: DEFAULT_RUNWAY_THRESHOLD_HOURS * 3600,
    webhookUrl: null,
    webhookSecret: null,
    verifiedEmail: null,
    row: null,
  };
}

export function effectiveSettings(
  wallet: string,
  row: AlertSettings | null | undefined,
): EffectiveAlertSettings {
  if (!row) return defaultAlertSettings(wallet);
  return {
    wallet,
    kinds: row.kinds,
    runwayThresholdSeconds: row.runwayThresholdSeconds,
    webhookUrl: row.webhookUrl,
    webhookSecret: row.webhookSecret,
    verifiedEmail: row.email && row.emailVerifiedAt ? row.email : null,
    row,
  };
}

export async function readAlertSettings(opts: { db: Db; wallet: string }): Promise<EffectiveAlertSettings> {
  const wallet = opts.wallet.toLowerCase();
  const [row] = await opts.db.select().from(alertSettings).where(eq(alertSettings.wallet, wallet));
  return effectiveSettings(wallet, row);
}

export function alertSettingsView(
  s: EffectiveAlertSettings,
  opts: { emailAvailable: boolean; now: Date },
): AlertSettingsView {
  const row = s.row;
  return {
    kinds: s.kinds,
    runwayThresholdHours: s.runwayThresholdSeconds / 3600,
    webhookUrl: s.webhookUrl,
    webhookSecretSet: Boolean(s.webhookSecret),
    email: row?.email ?? null,
    emailVerified: Boolean(row?.email && row.emailVerifiedAt),
    emailPending: Boolean(
      row?.email && !row.emailVerifiedAt && row.emailCodeExpiresAt && row.emailCodeExpiresAt > opts.now,
    ),
    emailAvailable: opts.emailAvailable,
  };
}

/** A webhook signing secret: 32 random bytes, prefixed so it is recognisable in a secret store. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

/**
 * Saves kinds, threshold and webhook URL. A new or changed URL (or rotateSecret) gets a new secret,
 * returned here once; removing the URL removes the secret. The URL is checked like a delivery would
 * be (scheme, private and local-only hosts) so a bad one is refused now, not at the first alert.
 */
export async function updateAlertSettings(opts: {
  db: Db;
  wallet: string;
  input: AlertSettingsInput;
  allowPrivate: boolean;
}): Promise<{ settings: EffectiveAlertSettings; webhookSecret: string | null }> {
  const current = await readAlertSettings(opts);
  const url = opts.input.webhookUrl;
  if (url !== null) checkWebhookUrl(url, { allowPrivate: opts.allowPrivate });
  let secret = url === null ? null : current.webhookSecret;
  let shown: string | null = null;
  if (url !== null && (url !== current.webhookUrl || !secret || opts.input.rotateSecret)) {
    secret = newWebhookSecret();
    shown = secret;
  }
  const values = {
    kinds: [...new Set(opts.input.kinds)],
    runwayThresholdSeconds: Math.round(opts.input.runwayThresholdHours * 3600),
    webhookUrl: url,
    webhookSecret: secret,
    updatedAt: new Date(),
  };
  const [row] = await opts.db
    .insert(alertSettings)
    .values({ wallet: current.wallet, ...values })
    .onConflictDoUpdate({ target: alertSettings.wallet, set: values })
    .returning();
  return { settings: effectiveSettings(current.wallet, row), webhookSecret: shown };
}

/** The row to write when a wallet without settings changes only its email (the rest stays default). */
export function defaultSettingsRow(wallet: string) {
  const d = defaultAlertSettings(wallet);
  return { wallet, kinds: d.kinds, runwayThresholdSeconds: d.runwayThresholdSeconds };
}
