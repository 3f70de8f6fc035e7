// kubebid – KubeBid from a terminal or a CI job: order a workload, follow its auction to a running
// lease, read its status, logs and events, update or scale it with a LeaseUpdate signed by the
// tenant's key or a deploy key, top it up and close it. Run `kubebid help`. Exit codes: see EXIT.
import { parseArgs } from "node:util";
import type { Address, LocalAccount } from "viem";
import {
  ApiRequestError,
  createKubebidClient,
  type KubebidClient,
  readChunks,
} from "@/lib/client/api-client";
import { ClientRefusalError } from "@/lib/client/client-refusal";
import { accountFromKeystore, accountFromPrivateKey, KeyError } from "@/lib/client/load-key";
import { ChainRevertError, connectMarket, type MarketChain } from "@/lib/client/market-chain";
import { placeOrder } from "@/lib/client/place-order";
import { ManifestFileError, readManifestFile } from "@/lib/client/read-manifest-file";
import { updateLease } from "@/lib/client/update-lease";
import { type DraftManifest, draftFromSealed } from "@/lib/market/draft-manifest";
import { integrityFromFlags } from "@/lib/market/integrity-terms";
import { manifestSchema, manifestTotals } from "@/lib/market/manifest";
import { formatTokenAmount, parseTokenAmount } from "@/lib/market/price-order";
import { quoteOrderTerms } from "@/lib/market/quote-order-terms";
import { screenOrder } from "@/lib/market/screen-order";

/** Exit codes (documented in the README's CLI section). */
export const EXIT = {
  ok: 0,
  /** Bad command line, manifest file or key. */
  usage: 1,
  /** The API refused (a 4xx: not signed in, forbidden, invalid manifest, conflict…). */
  refused: 2,
  /** A transaction reverted or would revert (named by the contract's error). */
  revert: 3,
  /** --timeout passed before the awaited state. */
  timeout: 4,
  /** The server or the RPC is unreachable or failed (5xx). */
  unavailable: 5,
  /** The lease's deployment failed (deployState failed). */
  deployFailed: 6,
} as const;

class CliError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

const HELP = `kubebid <command> [options]

Commands:
  login                              sign in (SIWE) with the key: checks the key and the server
  market                             what the market offers now
  screen <manifest.yaml>             which providers could take it, at what price [--region --max-price]
  deploy <manifest.yaml>             order it and follow the auction until the lease runs
        [--max-price T --deposit T --duration HOURS --bid-window S --region R --send --timeout S]
        [--auction open|sealed --reveal-window S --start-deadline S --min-reputation N]
  leases                             your leases and orders in auction
  status <lease> [-f]                terms, deploy state and pods (-f: follow the live stream)
  events <lease>                     the workload's Kubernetes events
  logs <lease> [-f] [--pod P --container C --tail N]
  metrics <lease> [--minutes N]      usage samples
  revisions <lease>                  the lease's spec revisions
  update <lease> <manifest.yaml>     sign a LeaseUpdate (tenant or deploy key) and relay it
  scale <lease> <service> <N>        an update with one service's replicas changed (tenant key)
  top-up <lease> <amount>            add tokens to the lease's escrow (on chain)
  close <lease>                      close the lease (tenant or provider, on chain)
  cancel <order>                     cancel an order still in auction (on chain)
  grant <address> [--lease ID]       allow a deploy key to update a lease (0/none: all your leases)
  revoke <address> [--lease ID]      withdraw it
  provider <clusters|console|prices> the provider's views

Secrets: --secret NAME=VALUE, --secret-env NAME=ENVVAR (for deploy, update).
Global: --api URL (KUBEBID_API), --rpc URL (KUBEBID_RPC), --keystore FILE (password in
KUBEBID_KEYSTORE_PASSWORD; else the key is KUBEBID_PRIVATE_KEY), --json.
Amounts are tokens (6 decimals), e.g. --max-price 1.5 (per hour).
Exit codes: 0 ok, 1 usage, 2 API refused, 3 chain revert, 4 timeout, 5 unavailable, 6 deploy failed.`;

const options = {
  api: { type: "string" },
  rpc: { type: "string" },
  keystore: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
  "max-price": { type: "string" },
  deposit: { type: "string" },
  duration: { type: "string" },
  "bid-window": { type: "string" },
  auction: { type: "string" },
  "reveal-window": { type: "string" },
  "start-deadline": { type: "string" },
  "min-reputation": { type: "string" },
  region: { type: "string" },
  send: { type: "boolean", default: false },
  timeout: { type: "string" },
  secret: { type: "string", multiple: true },
  "secret-env": { type: "string", multiple: true },
  follow: { type: "boolean", short: "f", default: false },
  pod: { type: "string" },
  container: { type: "string" },
  tail: { type: "string" },
  minutes: { type: "string" },
  lease: { type: "string" },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>["values"];

interface Context {
  values: Values;
  env: NodeJS.ProcessEnv;
  client: KubebidClient;
  out: (human: string, data: unknown) => void;
  progress: (line: string) => void;
  account: () => LocalAccount;
  /** The server's chain and market (/api/health). */
  server: () => Promise<{ chainId: number; market: Address }>;
  chain: () => Promise<MarketChain>;
  signIn: () => Promise<Address>;
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError((error as Error).message, EXIT.usage);
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.help || !command || command === "help") {
    process.stdout.write(`${HELP}\n`);
    return command || values.help ? EXIT.ok : EXIT.usage;
  }
  const api = values.api ?? env.KUBEBID_API ?? "http://127.0.0.1:3000";
  const rpc = values.rpc ?? env.KUBEBID_RPC ?? "http://127.0.0.1:8545";
  const client = createKubebidClient({ api });
  let account: LocalAccount | undefined;
  let server: { chainId: number; market: Address } | undefined;
  let chain: MarketChain | undefined;
  const ctx: Context = {
    values,
    env,
    client,
    out: (human, data) =>
      process.stdout.write(
        values.json
          ? `${JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`
          : `${human}\n`,
      ),
    progress: (line) => {
      if (values.json) return;
      if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${line}`);
      else process.stderr.write(`${line}\n`);
    },
    account: () => {
      if (account) return account;
      if (values.keystore) {
        const password = env.KUBEBID_KEYSTORE_PASSWORD;
        if (password === undefined)
          throw new CliError("--keystore needs its password in KUBEBID_KEYSTORE_PASSWORD.", EXIT.usage);
        account = accountFromKeystore(values.keystore, password);
      } else {
        const key = env.KUBEBID_PRIVATE_KEY;
        if (!key) throw new CliError("No key: set KUBEBID_PRIVATE_KEY or pass --keystore FILE.", EXIT.usage);
        account = accountFromPrivateKey(key, "KUBEBID_PRIVATE_KEY");
      }
      return account;
    },
    server: async () => {
      if (server) return server;
      const health = await client.health();
      if (!health.chain.ok)
        throw new CliError(`The server's chain is down: ${health.chain.error}`, EXIT.unavailable);
      if (!health.chain.market)
        throw new CliError("The server has no market contract configured.", EXIT.unavailable);
      server = { chainId: health.chain.chainId, market: health.chain.market as Address };
      return server;
    },
    chain: async () => {
      if (chain) return chain;
      const { chainId, market } = await ctx.server();
      chain = await connectMarket({ rpcUrl: rpc, account: ctx.account(), marketAddress: market, chainId });
      return chain;
    },
    signIn: async () => {
      if (client.address) return client.address;
      const { chainId } = await ctx.server();
      return (await client.signIn(ctx.account(), chainId)).address;
    },
  };
  const handler = COMMANDS[command];
  if (!handler) throw new CliError(`Unknown command ${command} (kubebid help).`, EXIT.usage);
  if (args.length !== handler.args.length)
    throw new CliError(
      `Usage: kubebid ${command} ${handler.args.map((a) => `<${a}>`).join(" ")}`,
      EXIT.usage,
    );
  return (await handler.run(ctx, args)) ?? EXIT.ok;
}

interface Command {
  args: string[];
  run: (ctx: Context, args: string[]) => Promise<number | undefined>;
}

const uint = (text: string, what: string) => {
  if (!/^\d+$/.test(text)) throw new CliError(`${what} must be a whole number, not ${text}.`, EXIT.usage);
  return BigInt(text);
};
const tokens = (text: string, what: string) => {
  try {
    return parseTokenAmount(text);
  } catch (error) {
    throw new CliError(`${what}: ${(error as Error).message}`, EXIT.usage);
  }
};
const fmt = (units: string | bigint | null) => (units === null ? "—" : `${formatTokenAmount(units)} tokens`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const timeoutMs = (ctx: Context, fallbackSeconds: number) =>
  Number(uint(ctx.values.timeout ?? String(fallbackSeconds), "--timeout")) * 1000;

function draftOf(ctx: Context, file: string): DraftManifest {
  return readManifestFile(file, { secret: ctx.values.secret, secretEnv: ctx.values["secret-env"] }, ctx.env);
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

function podTable(
  pods: { name: string; phase: string; ready: boolean; restarts: number; reason: string | null }[],
): string {
  const rows = [["POD", "PHASE", "READY", "RESTARTS", "REASON"]];
  for (const p of pods)
    rows.push([p.name, p.phase, p.ready ? "yes" : "no", String(p.restarts), p.reason ?? ""]);
  return pods.length ? table(rows) : "No pods.";
}

async function screen(ctx: Context, draft: DraftManifest, maxPrice: bigint | null) {
  const manifest = manifestSchema.parse({
    ...draft,
    ...(draft.secrets
      ? { secrets: draft.secrets.map((s) => ({ name: s.name, digest: `0x${"11".repeat(32)}` })) }
      : {}),
  });
  const offers = await ctx.client.offers();
  return {
    manifest,
    offers,
    results: screenOrder(offers.offers, {
      manifest,
      region: ctx.values.region ?? null,
      maxPricePerHour: maxPrice,
    }),
  };
}

/** Polls the order until the auction is over and its lease runs (or fails, or the timeout passes). */
async function followToRunning(ctx: Context, orderId: string, until: number) {
  let settling = false;
  for (;;) {
    if (Date.now() > until) throw new CliError(`Timed out following order ${orderId}.`, EXIT.timeout);
    const order = await ctx.client.order(orderId).catch((error) => {
      // The indexer may not have seen the order yet.
      if (error instanceof ApiRequestError && error.status === 404) return null;
      throw error;
    });
    // The order page reads the chain, so it may name the lease before the indexer has written it.
    const lease = order?.leaseId
      ? await ctx.client.lease(order.leaseId).catch((error) => {
          if (error instanceof ApiRequestError && error.status === 404) return null;
          throw error;
        })
      : null;
    if (order?.leaseId && !lease) ctx.progress(`lease ${order.leaseId}: waiting for the server to index it`);
    else if (lease) {
      ctx.progress(`lease ${lease.id} on ${lease.providerName ?? lease.provider}: ${lease.deployState}`);
      if (lease.deployState === "running") return lease;
      if (lease.deployState === "failed")
        throw new CliError(
          `Lease ${lease.id} failed to deploy: ${lease.deployError ?? "no reason given"}`,
          EXIT.deployFailed,
        );
      if (lease.status === "closed")
        throw new CliError(`Lease ${lease.id} closed before it ran.`, EXIT.deployFailed);
    } else if (order) {
      if (order.status === "cancelled" || order.status === "expired")
        throw new CliError(`Order ${orderId} ended ${order.status} without a lease.`, EXIT.deployFailed);
      const endsIn = order.bidWindowEndsAt
        ? Math.ceil((Date.parse(order.bidWindowEndsAt) - Date.now()) / 1000)
        : null;
      const best = order.bestPrice
        ? `best ${fmt(order.bestPrice)}/h by ${order.bestProviderName ?? order.bestProvider}`
        : "no bid yet";
      ctx.progress(
        `order ${orderId}: ${order.bids.length} bid(s), ${best}, ${endsIn !== null && endsIn > 0 ? `window ends in ${endsIn}s` : "window over"}`,
      );
      // Without the server's keeper the tenant ends the auction itself once the window is over.
      if (!order.keeper && !settling && endsIn !== null && endsIn <= 0 && order.status === "open") {
        settling = true;
        await (await ctx.chain()).settle(BigInt(orderId));
      }
    } else ctx.progress(`order ${orderId}: waiting for the server to index it`);
    await sleep(2000);
  }
}

async function leaseTarget(ctx: Context, leaseId: string) {
  await ctx.signIn();
  return ctx.client.lease(leaseId);
}

const COMMANDS: Record<string, Command> = {
  login: {
    args: [],
    run: async (ctx) => {
      const address = await ctx.signIn();
      ctx.out(`Signed in to ${ctx.client.api} as ${address}.`, { address, api: ctx.client.api });
      return EXIT.ok;
    },
  },
  market: {
    args: [],
    run: async (ctx) => {
      const m = await ctx.client.market();
      const rows = [["REGION", "PROVIDERS", "FREE CPU", "FREE MEMORY", "GPUS"]];
      for (const r of m.regions)
        rows.push([
          r.region,
          String(r.providers),
          `${(r.cpuMillis / 1000).toFixed(1)} cores`,
          `${(r.memoryBytes / 2 ** 30).toFixed(1)} GiB`,
          Object.entries(r.gpus)
            .map(([k, n]) => `${n}× ${k}`)
            .join(", ") || "—",
        ]);
      ctx.out(
        `${m.totals.providers} providers, ${m.totals.clusters} clusters, ${(m.totals.cpuMillis / 1000).toFixed(1)} cores free\n${table(rows)}`,
        m,
      );
      return EXIT.ok;
    },
  },
  screen: {
    args: ["manifest"],
    run: async (ctx, [file = ""]) => {
      const maxPrice = ctx.values["max-price"] ? tokens(ctx.values["max-price"], "--max-price") : null;
      const { results } = await screen(ctx, draftOf(ctx, file), maxPrice);
      const rows = [["PROVIDER", "FITS", "PRICE/H", "AUTO-BID", "WHY NOT"]];
      for (const r of results)
        rows.push([
          r.name ?? r.address,
          r.eligible ? "yes" : "no",
          fmt(r.pricePerHour),
          r.autoBid ? "yes" : "no",
          r.reasons.join("; "),
        ]);
      ctx.out(results.length ? table(rows) : "No provider offers capacity now.", results);
      return results.some((r) => r.eligible) ? EXIT.ok : EXIT.refused;
    },
  },
  deploy: {
    args: ["manifest"],
    run: async (ctx, [file = ""]) => {
      const v = ctx.values;
      const draft = draftOf(ctx, file);
      const until = Date.now() + timeoutMs(ctx, 600);
      const { manifest, offers, results } = await screen(ctx, draft, null);
      const terms = quoteOrderTerms({
        rates: results
          .filter((r) => r.eligible && r.pricePerHour !== null)
          .map((r) => r.pricePerHour as bigint),
        recentPrices: offers.recentPrices,
        cpuMillis: manifestTotals(manifest).cpuMillis,
        durationHours: v.duration ?? "24",
        bidWindowSeconds: v["bid-window"] ?? "60",
        maxPriceText: v["max-price"] ?? null,
        depositText: v.deposit ?? null,
      });
      const invalid = Object.entries(terms.errors).find(([, message]) => message);
      if (invalid)
        throw new CliError(
          `--${invalid[0] === "bidWindow" ? "bid-window" : invalid[0] === "maxPrice" ? "max-price" : invalid[0]}: ${invalid[1]}`,
          EXIT.usage,
        );
      if (terms.maxPricePerHour === null || terms.deposit === null)
        throw new CliError("Give --max-price and --deposit (no suggestion is possible now).", EXIT.usage);
      const integrity = integrityFromFlags(v);
      if (!integrity.ok) throw new CliError(integrity.error, EXIT.usage);
      if (
        !results.some(
          (r) => r.eligible && r.pricePerHour !== null && r.pricePerHour <= (terms.maxPricePerHour ?? 0n),
        )
      )
        ctx.progress("warning: no provider fits this order at this price now; it may get no bid\n");
      const { chainId, market } = await ctx.server();
      const chain = await ctx.chain();
      await ctx.signIn();
      const placed = await placeOrder({
        client: ctx.client,
        chain,
        account: ctx.account(),
        chainId,
        marketAddress: market,
        draft,
        maxPricePerHour: terms.maxPricePerHour,
        deposit: terms.deposit,
        durationSeconds: terms.durationSeconds,
        bidWindowSeconds: terms.bidWindowSeconds,
        region: v.region ?? null,
        integrity: integrity.fields,
        via: v.send ? "send" : "relay",
      });
      ctx.progress(
        `order ${placed.orderId} placed (${placed.txHash}), max ${fmt(terms.maxPricePerHour)}/h, deposit ${fmt(terms.deposit)}`,
      );
      const lease = await followToRunning(ctx, placed.orderId, until);
      if (process.stderr.isTTY && !v.json) process.stderr.write("\n");
      ctx.out(
        `Lease ${lease.id} is running on ${lease.providerName ?? lease.provider} at ${fmt(lease.pricePerHour)}/h.`,
        {
          orderId: placed.orderId,
          leaseId: lease.id,
          specHash: placed.specHash,
          provider: lease.provider,
          pricePerHour: lease.pricePerHour,
          txHash: placed.txHash,
        },
      );
      return EXIT.ok;
    },
  },
  leases: {
    args: [],
    run: async (ctx) => {
      await ctx.signIn();
      const a = await ctx.client.activity();
      const rows = [["LEASE", "ROLE", "PROVIDER", "PRICE/H", "STATUS", "DEPLOY", "ENDS"]];
      for (const l of a.leases)
        rows.push([
          l.id,
          l.role,
          l.providerName ?? "",
          fmt(l.pricePerHour),
          l.status,
          l.deployState,
          l.endsAt ?? "—",
        ]);
      const orders = a.orders.map(
        (o) => `order ${o.id}: ${o.status}, ${o.bidCount} bid(s), window ends ${o.bidWindowEndsAt}`,
      );
      ctx.out([a.leases.length ? table(rows) : "No leases.", ...orders].join("\n"), a);
      return EXIT.ok;
    },
  },
  status: {
    args: ["lease"],
    run: async (ctx, [id = ""]) => {
      const lease = await leaseTarget(ctx, id);
      const { status } = await ctx.client.leaseStatus(id);
      ctx.out(
        [
          `Lease ${lease.id}: ${lease.status}, deploy ${lease.deployState}${lease.deployError ? ` (${lease.deployError})` : ""}`,
          `Provider ${lease.providerName ?? lease.provider} at ${fmt(lease.pricePerHour)}/h, ends ${lease.endsAt ?? "—"}`,
          podTable(status.pods),
        ].join("\n"),
        { lease, status },
      );
      if (!ctx.values.follow) return EXIT.ok;
      // -f: the live stream's status messages until Ctrl-C (--json: one JSON line per message).
      const abort = new AbortController();
      process.once("SIGINT", () => abort.abort());
      try {
        for await (const message of ctx.client.leaseLive(id, abort.signal)) {
          if (ctx.values.json) process.stdout.write(`${JSON.stringify(message)}\n`);
          else if (message.type === "status")
            process.stdout.write(`\n${message.at}\n${podTable(message.status.pods)}\n`);
          else if (message.type === "error") process.stderr.write(`live: ${message.message}\n`);
        }
      } catch (error) {
        if (!abort.signal.aborted) throw error;
      }
      return EXIT.ok;
    },
  },
  events: {
    args: ["lease"],
    run: async (ctx, [id = ""]) => {
      await ctx.signIn();
      const { status } = await ctx.client.leaseStatus(id);
      const rows = [["TYPE", "REASON", "OBJECT", "COUNT", "MESSAGE"]];
      for (const e of status.events) rows.push([e.type, e.reason, e.object, String(e.count), e.message]);
      ctx.out(status.events.length ? table(rows) : "No events.", status.events);
      return EXIT.ok;
    },
  },
  logs: {
    args: ["lease"],
    run: async (ctx, [id = ""]) => {
      await ctx.signIn();
      let pod = ctx.values.pod;
      if (!pod) {
        const { status } = await ctx.client.leaseStatus(id);
        pod = status.pods[0]?.name;
        if (!pod) throw new CliError(`Lease ${id} has no pods to read logs from.`, EXIT.refused);
      }
      const abort = new AbortController();
      process.once("SIGINT", () => abort.abort());
      const body = await ctx.client.leaseLogs(id, {
        pod,
        container: ctx.values.container,
        tail: ctx.values.tail ? Number(uint(ctx.values.tail, "--tail")) : undefined,
        follow: ctx.values.follow,
        signal: abort.signal,
      });
      try {
        for await (const chunk of readChunks(body)) process.stdout.write(chunk);
      } catch (error) {
        if (!abort.signal.aborted) throw error;
      }
      return EXIT.ok;
    },
  },
  metrics: {
    args: ["lease"],
    run: async (ctx, [id = ""]) => {
      await ctx.signIn();
      const minutes = Number(uint(ctx.values.minutes ?? "15", "--minutes"));
      const m = await ctx.client.leaseMetrics(id, minutes);
      ctx.out(JSON.stringify(m, null, 2), m);
      return EXIT.ok;
    },
  },
  revisions: {
    args: ["lease"],
    run: async (ctx, [id = ""]) => {
      await ctx.signIn();
      const r = await ctx.client.leaseRevisions(id);
      const rows = [["REV", "SPEC HASH", "SIGNER", "AT", ""]];
      for (const x of r.revisions)
        rows.push([String(x.revision), x.specHash, x.signer, x.at, x.current ? "current" : ""]);
      ctx.out(table(rows), r);
      return EXIT.ok;
    },
  },
  update: {
    args: ["lease", "manifest"],
    run: async (ctx, [id = "", file = ""]) => {
      const draft = draftOf(ctx, file);
      const { chainId, market } = await ctx.server();
      const result = await updateLease({
        client: ctx.client,
        chain: await ctx.chain(),
        account: ctx.account(),
        chainId,
        marketAddress: market,
        leaseId: uint(id, "lease"),
        draft,
      });
      ctx.out(
        `Lease ${id} moves to revision ${result.revision} (${result.specHash}, tx ${result.txHash}).`,
        result,
      );
      return EXIT.ok;
    },
  },
  scale: {
    args: ["lease", "service", "replicas"],
    run: async (ctx, [id = "", service = "", n = ""]) => {
      const replicas = Number(uint(n, "replicas"));
      await ctx.signIn();
      const { revisions } = await ctx.client.leaseRevisions(id);
      const current = revisions.find((r) => r.current)?.manifest;
      if (!current)
        throw new CliError(`Lease ${id}'s current manifest is not stored on the server.`, EXIT.refused);
      const { draft, kept } = draftFromSealed(current);
      const target = draft.services.find((s) => s.name === service);
      if (!target)
        throw new CliError(
          `Lease ${id} has no service ${service} (it has ${draft.services.map((s) => s.name).join(", ")}).`,
          EXIT.usage,
        );
      target.replicas = replicas;
      const { chainId, market } = await ctx.server();
      const result = await updateLease({
        client: ctx.client,
        chain: await ctx.chain(),
        account: ctx.account(),
        chainId,
        marketAddress: market,
        leaseId: uint(id, "lease"),
        draft,
        kept,
      });
      ctx.out(`Lease ${id}: ${service} scales to ${replicas} (revision ${result.revision}).`, result);
      return EXIT.ok;
    },
  },
  "top-up": {
    args: ["lease", "amount"],
    run: async (ctx, [id = "", amount = ""]) => {
      const units = tokens(amount, "amount");
      const hash = await (await ctx.chain()).topUp(uint(id, "lease"), units);
      ctx.out(`Lease ${id} topped up by ${fmt(units)} (${hash}).`, {
        leaseId: id,
        amount: units,
        txHash: hash,
      });
      return EXIT.ok;
    },
  },
  close: {
    args: ["lease"],
    run: async (ctx, [id = ""]) => {
      const hash = await (await ctx.chain()).closeLease(uint(id, "lease"), "closed by tenant (cli)");
      ctx.out(`Lease ${id} closed (${hash}).`, { leaseId: id, txHash: hash });
      return EXIT.ok;
    },
  },
  cancel: {
    args: ["order"],
    run: async (ctx, [id = ""]) => {
      const hash = await (await ctx.chain()).cancelOrder(uint(id, "order"));
      ctx.out(`Order ${id} cancelled (${hash}).`, { orderId: id, txHash: hash });
      return EXIT.ok;
    },
  },
  grant: { args: ["address"], run: (ctx, [a = ""]) => setDelegate(ctx, a, true) },
  revoke: { args: ["address"], run: (ctx, [a = ""]) => setDelegate(ctx, a, false) },
  provider: {
    args: ["view"],
    run: async (ctx, [view = ""]) => {
      await ctx.signIn();
      const views: Record<string, () => Promise<unknown>> = {
        clusters: () => ctx.client.clusters(),
        console: () => ctx.client.providerConsole(),
        prices: () => ctx.client.marketPrices(),
      };
      const read = views[view];
      if (!read) throw new CliError(`kubebid provider <${Object.keys(views).join("|")}>`, EXIT.usage);
      const data = await read();
      ctx.out(JSON.stringify(data, null, 2), data);
      return EXIT.ok;
    },
  },
};

async function setDelegate(ctx: Context, address: string, allowed: boolean) {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new CliError(`${address} is not an address.`, EXIT.usage);
  const leaseId = uint(ctx.values.lease ?? "0", "--lease");
  const hash = await (await ctx.chain()).setDelegate(address as Address, leaseId, allowed);
  const scope = leaseId === 0n ? "all your leases" : `lease ${leaseId}`;
  ctx.out(`${address} ${allowed ? "may now update" : "may no longer update"} ${scope} (${hash}).`, {
    delegate: address,
    leaseId,
    allowed,
    txHash: hash,
  });
  return EXIT.ok;
}

/** Errors as one line and an exit code; the contract's errors a user meets most, in words. */
function explain(error: unknown): { message: string; code: number } {
  if (error instanceof CliError) return { message: error.message, code: error.code };
  if (error instanceof KeyError || error instanceof ManifestFileError)
    return { message: error.message, code: EXIT.usage };
  if (error instanceof ClientRefusalError) return { message: error.message, code: EXIT.refused };
  if (error instanceof ApiRequestError)
    return {
      message: error.message,
      code: error.status >= 400 && error.status < 500 ? EXIT.refused : EXIT.unavailable,
    };
  if (error instanceof ChainRevertError) {
    const words: Record<string, string> = {
      NotAuthorizedToClose:
        "only the lease's tenant or provider may close it (a deploy key may only update its spec)",
      NotTenant: "only the tenant may do this (a deploy key may only update the lease's spec)",
      NotTenantOrDelegate: "the key is neither the tenant nor a deploy key of this lease",
      LeaseClosed: "the lease is closed",
    };
    const said = error.errorName ? words[error.errorName] : undefined;
    return {
      message: said ? `${error.message.split(":")[0]}: ${said} (${error.errorName}).` : error.message,
      code: EXIT.revert,
    };
  }
  return { message: (error as Error)?.message?.split("\n")[0] ?? String(error), code: EXIT.unavailable };
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const { message, code } = explain(error);
    if (process.stderr.isTTY) process.stderr.write("\n");
    process.stderr.write(`kubebid: ${message}\n`);
    process.exitCode = code;
  },
);
