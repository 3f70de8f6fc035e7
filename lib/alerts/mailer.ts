import "server-only";
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { getConfig } from "@/lib/config";

// Alert emails and verification codes go out over SMTP (nodemailer) to the server in SMTP_URL, from
// ALERT_FROM. No SMTP_URL: no mailer, and the email channel is off.

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

const SMTP_TIMEOUT_MS = 10_000;

export function createMailer(opts: { smtpUrl: string; from: string }): Mailer {
  const options: SMTPTransport.Options = {
    url: opts.smtpUrl,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  };
  const transport = nodemailer.createTransport(options, { from: opts.from });
  return {
    async send(mail) {
      await transport.sendMail({ to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}

let cached: Mailer | null | undefined;

export function getMailer(): Mailer | null {
  if (cached === undefined) {
    const config = getConfig();
    cached = config.SMTP_URL ? createMailer({ smtpUrl: config.SMTP_URL, from: config.ALERT_FROM }) : null;
  }
  return cached;
}
