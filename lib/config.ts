import "server-only";
import { z } from "zod";

// Every environment variable the server reads, validated once. Nothing else reads process.env.
// Defaults are the embedded local stack (PGlite, anvil on 127.0.0.1:8545, the dev/ simulator).

const hex32 = /^0x[0-9a-fA-F]{64}$/;
const address = /^0x[0-9a-fA-F]{40}$/;
const bool = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  DATA_DIR: z.string().min(1).default(".data"),
  RPC_URL: z.string().url().default("http://127.0.0.1:8545"),
  CHAIN_ID: z.coerce.number().int().positive().default(31337),
  MARKET_ADDRESS: z.string().regex(address, "must be a 0x-prefixed 20-byte address").optional(),
  TOKEN_ADDRESS: z.string().regex(address, "must be a 0x-prefixed 20-byte address").optional(),
  MARKET_DEPLOY_BLOCK: z.coerce.bigint().nonnegative().default(0n),
  CONFIRMATIONS: z.coerce.number().int().min(0).max(1000).default(0),
  OPERATOR_PRIVATE_KEY: z.string().regex(hex32, "must be a 0x-prefixed 32-byte hex private key").optional(),
  RELAYER_PRIVATE_KEY: z.string().regex(hex32, "must be a 0x-prefixed 32-byte hex private key").optional(),
  /** Settles orders whose bid window ended and closes finished leases (lib/lease/run-keeper.ts); needs gas only. */
  KEEPER_PRIVATE_KEY: z.string().regex(hex32, "must be a 0x-prefixed 32-byte hex private key").optional(),
  /**
   * The marketplace's deployer key: attests on chain that a lease's workload started (with the manifest hash
   * it deployed), its downtime and providers' reputation. The market's owner names it with `setDeployer`.
   */
  DEPLOYER_PRIVATE_KEY: z.string().regex(hex32, "must be a 0x-prefixed 32-byte hex private key").optional(),
  KUBECONFIG_ENCRYPTION_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "must be 64 hex characters (a 32-byte AES-256 key)")
    .optional(),
  ALLOW_INSECURE_CLUSTERS: bool,
  ALLOW_PRIVATE_CLUSTER_ADDRESSES: bool,
  ENABLE_TEST_WALLET: bool,
  BACKGROUND_JOBS: z.enum(["on", "off"]).default("on"),
  INVENTORY_INTERVAL_MS: z.coerce.number().int().min(1000).default(15_000),
  METRICS_INTERVAL_MS: z.coerce.number().int().min(500).default(5_000),
  INDEXER_INTERVAL_MS: z.coerce.number().int().min(100).default(1_000),
  /**
   * The app's public origin (scheme, host, port). Sign-In with Ethereum messages must name it; it is
   * never taken from a request header, which a relaying site can forge. Required in production.
   */
  APP_URL: z
    .string()
    .url()
    .transform((v) => new URL(v).origin)
    .optional(),
  /**
   * How many reverse proxies in front of the app append to X-Forwarded-For. 0: clients connect
   * directly, and a client-sent X-Forwarded-For is ignored (the rate limits key on the connection).
   */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Multiplies every rate limit (a stack driving many requests from one address, e.g. e2e, raises it). */
  RATE_LIMIT_SCALE: z.coerce.number().positive().max(10_000).default(1),
  /**
   * DNS servers ("ip" or "ip:port", comma-separated) for custom-domain CNAME checks and the public-URL
   * reachability check; unset: the system's resolvers. Tests point it at an in-process DNS server.
   */
  DNS_SERVERS: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\])(:\d{1,5})?$|^[0-9a-fA-F:]+$/,
            "an IP address, optionally with :port",
          ),
      ),
    ),
  /** Gas the relayer spends for one tenant per UTC day before refusing to relay more of its orders. */
  RELAY_GAS_BUDGET_PER_DAY: z.coerce.bigint().positive().default(5_000_000n),
  /**
   * Where alert emails (and email verification codes) are sent through: smtp://user:pass@host:587
   * (STARTTLS when offered) or smtps://…:465. Unset: the email channel is off (in-app and webhooks work).
   */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** The From header of alert emails. */
  ALERT_FROM: z.string().min(3).default("KubeBid <alerts@kubebid.invalid>"),
  /** How often the alerts loop evaluates runway, pods, orders and deploys. */
  ALERTS_INTERVAL_MS: z.coerce.number().int().min(500).default(15_000),
  /** How often the delivery loop sends due webhooks and emails. */
  ALERT_DELIVERY_INTERVAL_MS: z.coerce.number().int().min(200).default(2_000),
});

export type Config = z.infer<typeof envSchema> & {
  /** true when the embedded PGlite database is used (no DATABASE_URL). */
  embeddedDatabase: boolean;
};

let cached: Config | undefined;

/** Parse an environment; throws one Error naming every bad variable. Exported for tests. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema
    .superRefine((c, ctx) => {
      if (c.NODE_ENV === "production" && !c.APP_URL)
        ctx.addIssue({
          code: "custom",
          path: ["APP_URL"],
          message: "is required in production (the public URL users open, e.g. https://kubebid.example)",
        });
    })
    .safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  return { ...parsed.data, embeddedDatabase: !parsed.data.DATABASE_URL };
}

export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** The part of the configuration the browser may see. Passed from the root layout at request time. */
export interface PublicConfig {
  chainId: number;
  rpcUrl: string;
  marketAddress: `0x${string}` | null;
  tokenAddress: `0x${string}` | null;
  testWallet: boolean;
}

export function getPublicConfig(): PublicConfig {
  const c = getConfig();
  return {
    chainId: c.CHAIN_ID,
    rpcUrl: c.RPC_URL,
    marketAddress: (c.MARKET_ADDRESS as `0x${string}` | undefined) ?? null,
    tokenAddress: (c.TOKEN_ADDRESS as `0x${string}` | undefined) ?? null,
    testWallet: c.ENABLE_TEST_WALLET,
  };
}
