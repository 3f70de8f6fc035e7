// Every route under app/api, for the OpenAPI document (lib/api/openapi.ts). Each module is loaded
// lazily and read back through the options its handlers were built with (route() keeps them), so
// the zod schemas that validate a request are the ones that document it. A route file missing here
// fails lib/api/openapi.test.ts, which walks app/api on disk.

export interface ApiRouteEntry {
  /** The OpenAPI path: Next"s `[id]` segments as `{id}`. */
  path: string;
  /** What the route serves, from the comment at the head of its file. */
  description: string;
  /** Non-JSON success bodies (streams, plain text), per method. */
  produces?: Partial<Record<string, string>>;
  load: () => Promise<Record<string, unknown>>;
}

export const apiRoutes: ApiRouteEntry[] = [
  {
    path: "/api/alerts/deliveries",
    description: "The signed-in wallet's webhook and email delivery log, newest first.",
    load: () => import("@/app/api/alerts/deliveries/route"),
  },
  {
    path: "/api/alerts/email",
    description:
      "Sets the wallet's alert email and mails it a verification code ({ email: null } removes it).",
    load: () => import("@/app/api/alerts/email/route"),
  },
  {
    path: "/api/alerts/email/verify",
    description: "Confirms the wallet's alert email with the code mailed to it.",
    load: () => import("@/app/api/alerts/email/verify/route"),
  },
  {
    path: "/api/alerts/read",
    description: "Marks the signed-in wallet's alerts read: { ids } or { all: true }.",
    load: () => import("@/app/api/alerts/read/route"),
  },
  {
    path: "/api/alerts",
    description: "The signed-in wallet's latest alerts and its unread count (the bell).",
    load: () => import("@/app/api/alerts/route"),
  },
  {
    path: "/api/alerts/settings",
    description: "The signed-in wallet's alert settings (never the webhook secret).",
    load: () => import("@/app/api/alerts/settings/route"),
  },
  {
    path: "/api/alerts/webhook/test",
    description:
      "Sends a signed test request to the wallet's webhook and answers with the receiver's result.",
    load: () => import("@/app/api/alerts/webhook/test/route"),
  },
  {
    path: "/api/auth/logout",
    description: "Ends the session and clears its cookie.",
    load: () => import("@/app/api/auth/logout/route"),
  },
  {
    path: "/api/auth/nonce",
    description: "A one-time nonce for a Sign-In with Ethereum message.",
    load: () => import("@/app/api/auth/nonce/route"),
  },
  {
    path: "/api/auth/session",
    description: "The signed-in address, or null.",
    load: () => import("@/app/api/auth/session/route"),
  },
  {
    path: "/api/auth/verify",
    description: "Verifies a signed SIWE message and starts a session (httpOnly cookie).",
    load: () => import("@/app/api/auth/verify/route"),
  },
  {
    path: "/api/clusters/{id}/exposure",
    description: "A cluster's exposure and storage offers with the classes it has now; change them.",
    load: () => import("@/app/api/clusters/[id]/exposure/route"),
  },
  {
    path: "/api/clusters/{id}/kubeconfig",
    description: "Replace a cluster's kubeconfig; kept only if the new one passes every check.",
    load: () => import("@/app/api/clusters/[id]/kubeconfig/route"),
  },
  {
    path: "/api/clusters/{id}",
    description: "One of the signed-in provider's clusters (403 for anyone else's).",
    load: () => import("@/app/api/clusters/[id]/route"),
  },
  {
    path: "/api/clusters/{id}/verify",
    description: "Re-run the cluster checks, streamed as NDJSON; updates status and inventory.",
    produces: { POST: "application/x-ndjson" },
    load: () => import("@/app/api/clusters/[id]/verify/route"),
  },
  {
    path: "/api/clusters",
    description: "The signed-in provider's clusters (status, latest inventory, capacity history).",
    load: () => import("@/app/api/clusters/route"),
  },
  {
    path: "/api/health",
    description:
      "State of the database, the chain RPC and each registered cluster; 503 when a required part is down.",
    load: () => import("@/app/api/health/route"),
  },
  {
    path: "/api/leases/{id}/delegates",
    description:
      "The deploy keys that may update this lease's spec (granted for it or for all the tenant's leases); tenant only.",
    load: () => import("@/app/api/leases/[id]/delegates/route"),
  },
  {
    path: "/api/leases/{id}/domains/{domainId}",
    description: "The tenant removes a custom domain; its Ingress is deleted first.",
    load: () => import("@/app/api/leases/[id]/domains/[domainId]/route"),
  },
  {
    path: "/api/leases/{id}/domains",
    description:
      "A lease's custom domains and their CNAME status (tenant or provider); POST \u2013 the tenant adds one for an HTTP service, checked at once.",
    load: () => import("@/app/api/leases/[id]/domains/route"),
  },
  {
    path: "/api/leases/{id}/live",
    description: "Server-sent events of a lease's pod status and usage samples, for its tenant or provider.",
    produces: { GET: "text/event-stream" },
    load: () => import("@/app/api/leases/[id]/live/route"),
  },
  {
    path: "/api/leases/{id}/logs",
    description:
      "A pod's (or one container's, or its previous instance's) log as plain text (tail, optionally followed as a stream), for the lease's tenant or provider.",
    produces: { GET: "text/plain" },
    load: () => import("@/app/api/leases/[id]/logs/route"),
  },
  {
    path: "/api/leases/{id}/metrics",
    description:
      "A lease's pod usage since `minutes` ago (chart history, raw or bucketed by range), for its tenant or provider.",
    load: () => import("@/app/api/leases/[id]/metrics/route"),
  },
  {
    path: "/api/leases/{id}/post-mortem",
    description:
      "What a closed lease's workload left (final pods, events, last logs), for its tenant or provider; null until captured.",
    load: () => import("@/app/api/leases/[id]/post-mortem/route"),
  },
  {
    path: "/api/leases/{id}/reachability",
    description:
      "Whether one public URL of a lease answers (status code, latency), checked from the server, for its tenant or provider.",
    load: () => import("@/app/api/leases/[id]/reachability/route"),
  },
  {
    path: "/api/leases/{id}",
    description:
      "A lease for its tenant or provider: terms, deploy state, manifest, payments and live escrow (403 for anyone else).",
    load: () => import("@/app/api/leases/[id]/route"),
  },
  {
    path: "/api/leases/{id}/status",
    description:
      "A lease's pods, events and service endpoints (none once closed; else the latest poll, the stored status, or a read of its cluster), for its tenant or provider.",
    load: () => import("@/app/api/leases/[id]/status/route"),
  },
  {
    path: "/api/leases/{id}/updates",
    description:
      "The lease's spec revisions with their sealed manifests and what it bought (its tenant only).",
    load: () => import("@/app/api/leases/[id]/updates/route"),
  },
  {
    path: "/api/leases",
    description: "The signed-in wallet's leases (as tenant or provider) and its orders still in auction.",
    load: () => import("@/app/api/leases/route"),
  },
  {
    path: "/api/manifests",
    description:
      "Stores a manifest next to the tenant's valid EIP-712 signature over an order carrying its hash, with its secrets' values.",
    load: () => import("@/app/api/manifests/route"),
  },
  {
    path: "/api/market/offers",
    description:
      "Every provider's free capacity per cluster, pricing and bid strategy, and recent settled prices, for the deploy form's screening and estimate.",
    load: () => import("@/app/api/market/offers/route"),
  },
  {
    path: "/api/market/providers",
    description:
      "One page of the providers table: filters (region, gpu, minCpu, minMemory), sort, dir, limit, offset.",
    load: () => import("@/app/api/market/providers/route"),
  },
  {
    path: "/api/market",
    description:
      "What the market offers now (totals, regions, providers) and its capacity and price history.",
    load: () => import("@/app/api/market/route"),
  },
  {
    path: "/api/orders/{id}",
    description: "An order's auction: terms, every bid so far, the best one and the live on-chain status.",
    load: () => import("@/app/api/orders/[id]/route"),
  },
  {
    path: "/api/orders/relay",
    description:
      "Relays a signed order (with an optional ERC-2612 permit) from the server's relayer key; answers the order id.",
    load: () => import("@/app/api/orders/relay/route"),
  },
  {
    path: "/api/provider/complete",
    description: "After on-chain registration: store the provider, its cluster and settings at once.",
    load: () => import("@/app/api/provider/complete/route"),
  },
  {
    path: "/api/provider/console",
    description: "The signed-in provider's clusters, leases, earnings and bid decisions.",
    load: () => import("@/app/api/provider/console/route"),
  },
  {
    path: "/api/provider/draft/accept-risk",
    description: "Accept (or withdraw acceptance of) over-privileged cluster credentials.",
    load: () => import("@/app/api/provider/draft/accept-risk/route"),
  },
  {
    path: "/api/provider/draft/kubeconfig",
    description: "Validate a pasted/uploaded kubeconfig and keep it (encrypted) in the draft.",
    load: () => import("@/app/api/provider/draft/kubeconfig/route"),
  },
  {
    path: "/api/provider/draft",
    description: "The signed-in provider's onboarding draft (read, save a step, start over).",
    load: () => import("@/app/api/provider/draft/route"),
  },
  {
    path: "/api/provider/draft/verify",
    description: "Run the cluster checks on the draft's kubeconfig, streamed as NDJSON.",
    produces: { POST: "application/x-ndjson" },
    load: () => import("@/app/api/provider/draft/verify/route"),
  },
  {
    path: "/api/provider/market-prices",
    description: "Recent winning prices and other providers' unit prices (pricing preview).",
    load: () => import("@/app/api/provider/market-prices/route"),
  },
  {
    path: "/api/provider/operator",
    description: "The bid engine's operator address providers name on-chain (never the key).",
    load: () => import("@/app/api/provider/operator/route"),
  },
  {
    path: "/api/provider/rbac",
    description: "The least-privilege RBAC manifest and the commands that turn it into a kubeconfig.",
    load: () => import("@/app/api/provider/rbac/route"),
  },
  {
    path: "/api/provider/settings",
    description: "The signed-in provider's pricing, bid strategy and auto-bid switch.",
    load: () => import("@/app/api/provider/settings/route"),
  },
  {
    path: "/api/openapi.json",
    description: "This document: the API as OpenAPI 3.1, generated from the routes' zod schemas.",
    load: () => import("@/app/api/openapi.json/route"),
  },
];
