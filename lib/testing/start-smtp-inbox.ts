import { mkdirSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

// A real SMTP server on 127.0.0.1 (smtp-server) that keeps every message it accepts, parsed
// (mailparser): the inbox of the alert email tests and of the e2e stack. A message is stored before
// the server answers its DATA, so once a send resolves the mail is in `messages`. With `dir`, each
// message is also written there as <ms>-<n>.json ({ to, subject, text }), for a reader in another
// process: the e2e specs, and whoever wants to read the local stack's mail (`npm run dev`: .data/inbox).

export interface SmtpInbox {
  /** smtp://127.0.0.1:PORT, for SMTP_URL. */
  url: string;
  messages: ParsedMail[];
  /** Messages to one address, oldest first. */
  to(address: string): ParsedMail[];
  close(): Promise<void>;
}

export interface InboxFile {
  to: string[];
  subject: string;
  text: string;
}

export async function startSmtpInbox(opts: { dir?: string } = {}): Promise<SmtpInbox> {
  const messages: ParsedMail[] = [];
  if (opts.dir) mkdirSync(opts.dir, { recursive: true });
  const recipients = (m: ParsedMail) =>
    [m.to ?? []].flat().flatMap((a) => a.value.map((v) => (v.address ?? "").toLowerCase()));
  const server = new SMTPServer({
    // Plain SMTP on loopback: no certificate to make, no credentials to check.
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          if (opts.dir) {
            const file: InboxFile = {
              to: recipients(mail),
              subject: mail.subject ?? "",
              text: mail.text ?? "",
            };
            // Time first: names sort in arrival order across restarts of the same directory.
            const name = `${Date.now()}-${String(messages.length).padStart(4, "0")}.json`;
            writeFileSync(path.join(opts.dir, name), JSON.stringify(file, null, 2));
          }
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    to: (address) => messages.filter((m) => recipients(m).includes(address.toLowerCase())),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
