import { z } from "zod";
import type { AlertKind } from "@/db/schema";

// The kinds of alert, what the settings page says about each, and the settings' input schema
// (client-safe: the settings form validates with the same schema the route parses with).

export type { AlertKind };

export const alertKinds = [
  {
    kind: "runway-low",
    label: "Runway low",
    description:
      "A lease's escrow will run out within your threshold (once per crossing; again after a top-up).",
  },
  { kind: "lease-closed", label: "Lease closed", description: "A lease of yours was closed, by anyone." },
  {
    kind: "pod-crash-loop",
    label: "Pod crash-looping",
    description: "A pod of a lease is in CrashLoopBackOff (once per pod).",
  },
  {
    kind: "pod-oom-killed",
    label: "Pod OOMKilled",
    description: "A container of a lease was killed for exceeding its memory limit (once per pod).",
  },
  {
    kind: "order-no-bids",
    label: "Order without bids",
    description: "An order's bid window ended with no bid.",
  },
  { kind: "deploy-failed", label: "Deploy failed", description: "A lease's workload could not be deployed." },
] as const satisfies readonly { kind: AlertKind; label: string; description: string }[];

export const ALERT_KIND_IDS = alertKinds.map((k) => k.kind) as [AlertKind, ...AlertKind[]];

export const DEFAULT_RUNWAY_THRESHOLD_HOURS = 6;
/** 30 days: runway alerts further out than this would fire for nearly every lease. */
export const MAX_RUNWAY_THRESHOLD_HOURS = 24 * 30;

/** The settings form's input: which kinds, the runway threshold and the webhook URL. */
export const alertSettingsInputSchema = z.object({
  kinds: z.array(z.enum(ALERT_KIND_IDS)).max(ALERT_KIND_IDS.length),
  runwayThresholdHours: z
    .number({ message: "must be a number of hours" })
    .min(0.25, "must be at least 0.25 h (15 minutes)")
    .max(MAX_RUNWAY_THRESHOLD_HOURS, `must be at most ${MAX_RUNWAY_THRESHOLD_HOURS} h (30 days)`),
  /** null removes the webhook. */
  webhookUrl: z
    .string()
    .trim()
    .max(2048, "must be at most 2048 characters")
    .url("must be a URL such as https://example.com/hooks/kubebid")
    .refine((u) => /^https?:\/\//i.test(u), "must start with https:// (or http:// for a local receiver)")
    .nullable(),
  /** Make a new webhook secret even though the URL did not change. */
  rotateSecret: z.boolean().optional(),
});
export type AlertSettingsInput = z.infer<typeof alertSettingsInputSchema>;

export const emailSchema = z.string().trim().toLowerCase().max(254).email("must be an email address");
export const emailCodeSchema = z
  .string()
  .trim()
  .regex(/^[0-9]{6}$/, "must be the 6-digit code from the email");

/** What the settings route returns (never the webhook secret, except right after it was made). */
export interface AlertSettingsView {
  kinds: AlertKind[];
  runwayThresholdHours: number;
  webhookUrl: string | null;
  webhookSecretSet: boolean;
  email: string | null;
  emailVerified: boolean;
  /** A code was sent and is still valid. */
  emailPending: boolean;
  /** The server has an SMTP server configured (otherwise the email channel is off). */
  emailAvailable: boolean;
}

export interface AlertView {
  id: number;
  kind: AlertKind;
  message: string;
  leaseId: string | null;
  orderId: string | null;
  createdAt: string;
  read: boolean;
}

export interface DeliveryView {
  id: number;
  alertId: number | null;
  channel: "webhook" | "email";
  target: string;
  status: "pending" | "sent" | "failed";
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  responseStatus: number | null;
  sentAt: string | null;
  createdAt: string;
}
