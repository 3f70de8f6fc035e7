import type { Address, Hex, LocalAccount } from "viem";
import { createSiweMessage } from "viem/siwe";
import { z } from "zod";
import { type Order, serializeOrder } from "@/lib/chain/order-types";
import type { LeaseUpdate } from "@/lib/chain/lease-update-types";
import type { LiveMessage } from "@/lib/lease/types";
import type { MarketOverview } from "@/lib/market/get-market-overview";
import type { SecretValue } from "@/lib/market/manifest";
import type { ProviderOffer } from "@/lib/market/screen-order";

// KubeBid's HTTP API for scripts and the CLI: fetch with the session cookie kept in memory, our error
// shape turned into `ApiRequestError` (status, code, the server's safe message), and the responses a
// script branches on checked with zod. Larger read-only views (lease detail, status, metrics) are
// typed loosely and passed through: the CLI prints them, it does not compute with them.

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiRequestError";
  }
}

const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

const healthSchema = z.object({
  status: z.string(),
  chain: z.union([
    z.object({ ok: z.literal(true), chainId: z.number(), market: z.string().nullable() }),
    z.object({ ok: z.literal(false), error: z.string() }),
  ]),
});

const orderDetailSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  keeper: z.boolean(),
  bidWindowEndsAt: z.string().nullable(),
  bestPrice: z.string().nullable(),
  bestProvider: z.string().nullable(),
  bestProviderName: z.string().nullable(),
  bids: z.array(z.object({ provider: z.string(), providerName: z.string().nullable(), price: z.string() })),
  leaseId: z.string().nullable(),
});
export type OrderDetailView = z.infer<typeof orderDetailSchema>;

const leaseRowSchema = z.looseObject({
  id: z.string(),
  role: z.enum(["tenant", "provider"]),
  providerName: z.string().nullable(),
  pricePerHour: z.string(),
  status: z.string(),
  deployState: z.string(),
  endsAt: z.string().nullable(),
});
const activitySchema = z.object({
  leases: z.array(leaseRowSchema),
  orders: z.array(
    z.looseObject({ id: z.string(), status: z.string(), bidCount: z.number(), bidWindowEndsAt: z.string() }),
  ),
});
export type Activity = z.infer<typeof activitySchema>;

const leaseDetailSchema = z.looseObject({
  id: z.string(),
  tenant: z.string(),
  provider: z.string(),
  providerName: z.string().nullable(),
  pricePerHour: z.string(),
  status: z.string(),
  deployState: z.string(),
  deployError: z.string().nullable(),
  endsAt: z.string().nullable(),
});
export type LeaseDetailView = z.infer<typeof leaseDetailSchema>;

const podSchema = z.looseObject({
  name: z.string(),
  phase: z.string(),
  ready: z.boolean(),
  restarts: z.number(),
  reason: z.string().nullable(),
});
const statusSchema = z.object({
  at: z.string(),
  status: z.looseObject({
    pods: z.array(podSchema),
    events: z.array(
      z.looseObject({
        type: z.string(),
        reason: z.string(),
        message: z.string(),
        object: z.string(),
        count: z.number(),
        at: z.string().nullable(),
      }),
    ),
    endpoints: z.array(z.unknown()),
  }),
});
export type LeaseStatusResponse = z.infer<typeof statusSchema>;

const revisionSchema = z.looseObject({
  revision: z.number(),
  specHash: z.string(),
  signer: z.string(),
  at: z.string(),
  current: z.boolean(),
  manifest: z.record(z.string(), z.unknown()).nullable(),
});
export type LeaseRevision = z.infer<typeof revisionSchema>;
const revisionsSchema = z.looseObject({
  revision: z.number(),
  specHash: z.string(),
  revisions: z.array(revisionSchema),
});
export type LeaseRevisions = z.infer<typeof revisionsSchema>;

export interface KubebidClientOptions {
  /** The app's origin, e.g. https://kubebid.example (no trailing path). */
  api: string;
  fetch?: typeof fetch;
}

export interface KubebidClient {
  readonly api: string;
  /** The signed-in address, or null. */
  readonly address: Address | null;
  /** SIWE: a nonce, the message signed with `account`, the session cookie kept for later calls. */
  signIn(account: LocalAccount, chainId: number): Promise<{ address: Address; expiresAt: string }>;
  health(): Promise<z.infer<typeof healthSchema>>;
  market(): Promise<MarketOverview>;
  offers(): Promise<{ offers: ProviderOffer[]; recentPrices: { pricePerHour: string; cpuMillis: number }[] }>;
  storeManifest(input: {
    manifest: unknown;
    secrets: SecretValue[];
    order: Order;
    signature: Hex;
  }): Promise<{ specHash: Hex; tenant: Address; created: boolean }>;
  relayOrder(input: {
    order: Order;
    signature: Hex;
    permit?: { deadline: bigint; v: number; r: Hex; s: Hex };
  }): Promise<{ orderId: string; txHash: Hex }>;
  order(id: string): Promise<OrderDetailView>;
  activity(): Promise<Activity>;
  lease(id: string): Promise<LeaseDetailView>;
  leaseStatus(id: string): Promise<LeaseStatusResponse>;
  /** A pod's log; with `follow`, the response body streams until the pod ends or `signal` aborts. */
  leaseLogs(
    id: string,
    opts: { pod: string; container?: string; tail?: number; follow?: boolean; signal?: AbortSignal },
  ): Promise<ReadableStream<Uint8Array>>;
  /** The live stream (server-sent events): status and usage messages until `signal` aborts. */
  leaseLive(id: string, signal: AbortSignal): AsyncGenerator<LiveMessage>;
  leaseMetrics(id: string, minutes: number): Promise<unknown>;
  leaseRevisions(id: string): Promise<LeaseRevisions>;
  leaseDelegates(id: string): Promise<unknown>;
  postLeaseUpdate(input: {
    leaseId: string;
    manifest: unknown;
    secrets: SecretValue[];
    update: LeaseUpdate;
    signer: Address;
    signature: Hex;
  }): Promise<{ specHash: Hex; revision: number; txHash: Hex }>;
  providerConsole(): Promise<unknown>;
  clusters(): Promise<unknown>;
  marketPrices(): Promise<unknown>;
}

export function createKubebidClient(opts: KubebidClientOptions): KubebidClient {
  const api = opts.api.replace(/\/+$/, "");
  const doFetch = opts.fetch ?? fetch;
  let cookie: string | null = null;
  let address: Address | null = null;

  async function send(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}) {
    const headers: Record<string, string> = {};
    if (init.body !== undefined) headers["content-type"] = "application/json";
    if (cookie) headers.cookie = cookie;
    let res: Response;
    try {
      res = await doFetch(`${api}${path}`, {
        method: init.method ?? "GET",
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: init.signal,
      });
    } catch (error) {
      if ((error as Error).name === "AbortError") throw error;
      throw new ApiRequestError(0, "UNREACHABLE", `Cannot reach ${api}: ${(error as Error).message}`);
    }
    if (!res.ok) {
      const text = await res.text();
      let parsed: z.infer<typeof errorBody> | null = null;
      try {
        const r = errorBody.safeParse(JSON.parse(text));
        if (r.success) parsed = r.data;
      } catch {
        // not our JSON error shape: a proxy's page
      }
      throw new ApiRequestError(
        res.status,
        parsed?.error.code ?? "HTTP_ERROR",
        parsed?.error.message ?? `${path} answered ${res.status}.`,
      );
    }
    return res;
  }

  async function json<T>(schema: z.ZodType<T>, path: string, init?: Parameters<typeof send>[1]): Promise<T> {
    const res = await send(path, init);
    const parsed = schema.safeParse(await res.json());
    if (!parsed.success)
      throw new ApiRequestError(
        res.status,
        "UNEXPECTED_RESPONSE",
        `${path} answered an unexpected shape (${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}); is --api a KubeBid server of this version?`,
      );
    return parsed.data;
  }

  const any = z.unknown();
  const lease = (id: string) => `/api/leases/${encodeURIComponent(id)}`;

  return {
    api,
    get address() {
      return address;
    },
    async signIn(account, chainId) {
      const { nonce } = await json(z.object({ nonce: z.string() }), "/api/auth/nonce");
      const url = new URL(api);
      const message = createSiweMessage({
        address: account.address,
        chainId,
        domain: url.host,
        nonce,
        uri: url.origin,
        version: "1",
        statement: "Sign in to KubeBid. This costs nothing and sends no transaction.",
        issuedAt: new Date(),
        expirationTime: new Date(Date.now() + 10 * 60 * 1000),
      });
      const signature = await account.signMessage({ message });
      const res = await send("/api/auth/verify", { method: "POST", body: { message, signature } });
      // Only the session cookie's name=value goes back; its attributes are for browsers.
      const set = res.headers.getSetCookie().find((c) => c.includes("="));
      if (!set) throw new ApiRequestError(res.status, "NO_SESSION", "The server started no session.");
      cookie = set.split(";")[0] ?? null;
      const body = z.object({ address: z.string(), expiresAt: z.string() }).parse(await res.json());
      address = body.address as Address;
      return { address, expiresAt: body.expiresAt };
    },
    health: async () => {
      // 503 still carries the report: read it rather than fail on the status.
      const res = await doFetch(`${api}/api/health`).catch((error: Error) => {
        throw new ApiRequestError(0, "UNREACHABLE", `Cannot reach ${api}: ${error.message}`);
      });
      const parsed = healthSchema.safeParse(await res.json().catch(() => null));
      if (!parsed.success)
        throw new ApiRequestError(res.status, "UNEXPECTED_RESPONSE", `${api} is not a KubeBid server.`);
      return parsed.data;
    },
    market: async () =>
      (await json(
        z.looseObject({ totals: z.looseObject({ providers: z.number() }), regions: z.array(z.unknown()) }),
        "/api/market",
      )) as unknown as MarketOverview,
    offers: async () =>
      (await json(
        z.object({ offers: z.array(z.looseObject({ address: z.string() })), recentPrices: z.array(any) }),
        "/api/market/offers",
      )) as unknown as Awaited<ReturnType<KubebidClient["offers"]>>,
    storeManifest: async (input) =>
      (await json(
        z.object({ specHash: z.string(), tenant: z.string(), created: z.boolean() }),
        "/api/manifests",
        {
          method: "POST",
          body: {
            manifest: input.manifest,
            secrets: input.secrets,
            order: serializeOrder(input.order),
            signature: input.signature,
          },
        },
      )) as { specHash: Hex; tenant: Address; created: boolean },
    relayOrder: async (input) =>
      (await json(z.object({ orderId: z.string(), txHash: z.string() }), "/api/orders/relay", {
        method: "POST",
        body: {
          order: serializeOrder(input.order),
          signature: input.signature,
          permit: input.permit ? { ...input.permit, deadline: input.permit.deadline.toString() } : undefined,
        },
      })) as { orderId: string; txHash: Hex },
    order: (id) => json(orderDetailSchema, `/api/orders/${encodeURIComponent(id)}`),
    activity: () => json(activitySchema, "/api/leases"),
    lease: (id) => json(leaseDetailSchema, lease(id)),
    leaseStatus: (id) => json(statusSchema, `${lease(id)}/status`),
    async leaseLogs(id, o) {
      const q = new URLSearchParams({
        pod: o.pod,
        tail: String(o.tail ?? 500),
        follow: o.follow ? "1" : "0",
      });
      if (o.container) q.set("container", o.container);
      const res = await send(`${lease(id)}/logs?${q}`, { signal: o.signal });
      if (!res.body) throw new ApiRequestError(res.status, "EMPTY", "The log answered no body.");
      return res.body;
    },
    async *leaseLive(id, signal) {
      const res = await send(`${lease(id)}/live`, { signal });
      if (!res.body) return;
      const decoder = new TextDecoder();
      let buffered = "";
      for await (const chunk of readChunks(res.body)) {
        buffered += decoder.decode(chunk, { stream: true });
        for (let end = buffered.indexOf("\n\n"); end >= 0; end = buffered.indexOf("\n\n")) {
          const event = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = event
            .split("\n")
            .filter((l) => l.startsWith("data:"))
            .map((l) => l.slice(5).trimStart())
            .join("\n");
          if (data) yield JSON.parse(data) as LiveMessage;
        }
      }
    },
    leaseMetrics: (id, minutes) => json(any, `${lease(id)}/metrics?minutes=${minutes}`),
    leaseRevisions: (id) => json(revisionsSchema, `${lease(id)}/updates`),
    leaseDelegates: (id) => json(any, `${lease(id)}/delegates`),
    postLeaseUpdate: async (input) =>
      (await json(
        z.object({ specHash: z.string(), revision: z.number(), txHash: z.string() }),
        `${lease(input.leaseId)}/updates`,
        {
          method: "POST",
          body: {
            manifest: input.manifest,
            secrets: input.secrets,
            update: {
              leaseId: input.update.leaseId.toString(),
              specHash: input.update.specHash,
              nonce: input.update.nonce.toString(),
              deadline: input.update.deadline.toString(),
            },
            signer: input.signer,
            signature: input.signature,
          },
        },
      )) as { specHash: Hex; revision: number; txHash: Hex },
    providerConsole: () => json(any, "/api/provider/console"),
    clusters: () => json(any, "/api/clusters"),
    marketPrices: () => json(any, "/api/provider/market-prices"),
  };
}

/** A response body's chunks (the DOM lib types ReadableStream without async iteration). */
export async function* readChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
