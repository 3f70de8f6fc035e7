import path from "node:path";
import { parseArgs } from "node:util";
import { startSmtpInbox } from "../lib/testing/start-smtp-inbox";
import { startStack } from "./stack";

// `npm run dev`: the whole marketplace on its embedded defaults. Ctrl-C stops everything.
// Options: --prod (serve the production build; run `next build` first), --data-dir DIR, --port N, --no-seed.

const { values } = parseArgs({
  options: {
    prod: { type: "boolean", default: false },
    "data-dir": { type: "string", default: ".data" },
    port: { type: "string" },
    "no-seed": { type: "boolean", default: false },
  },
});

const started = Date.now();
const dataDir = path.resolve(values["data-dir"]);
// The dev inbox: a local SMTP server whose messages (alert emails, verification codes) land as JSON
// files under the data directory, unless a real SMTP server is configured.
const inboxDir = path.join(dataDir, "inbox");
const inbox = process.env.SMTP_URL ? null : await startSmtpInbox({ dir: inboxDir });
const stack = await startStack({
  dataDir,
  mode: values.prod ? "prod" : "dev",
  port: values.port ? Number(values.port) : undefined,
  seed: !values["no-seed"],
  env: inbox ? { SMTP_URL: inbox.url } : undefined,
});

console.log(`
  KubeBid is running (${((Date.now() - started) / 1000).toFixed(1)}s)

    App        ${stack.url}
    Chain RPC  ${stack.rpcUrl}  (chain ${stack.chainId})
    Market     ${stack.marketAddress}
    Kubeconfigs of the simulated clusters: ${stack.kubeconfigDir}
    Mail       ${inbox ? `${inboxDir} (the dev inbox: every email the app sends)` : "SMTP_URL"}

  Press Ctrl-C to stop.
`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping…");
    await stack.stop();
    await inbox?.close();
    process.exit(0);
  });
}
