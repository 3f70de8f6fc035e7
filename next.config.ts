import type { NextConfig } from "next";
import { staticSecurityHeaders } from "./lib/api/security-headers";

const nextConfig: NextConfig = {
  // Server-only packages that must not be bundled (native/wasm or Node APIs).
  // rate-limiter-flexible imports drizzle-orm at run time by a computed name: both stay Node modules.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@kubernetes/client-node",
    "postgres",
    "rate-limiter-flexible",
    "drizzle-orm",
  ],
  // A separate build directory lets two builds (e.g. two checkouts' e2e runs) coexist.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  // `npm run typecheck` (tsc over the whole repo) is its own step of the test command; checking again
  // inside `next build` would double the time on a 2-core CI machine.
  typescript: { ignoreBuildErrors: true },
  // Every page renders per request (runtime config), and Next then sends `Cache-Control: no-store`,
  // which keeps a page out of the browser's back/forward cache. Pages whose HTML holds nothing
  // private (public market data; the wallet address from the visitor's own cookie at most) say
  // `private, no-cache` instead: revalidated on every load, never kept by a shared cache, restorable
  // on Back. Pages with a tenant's or provider's data (leases, the console, the onboarding draft)
  // keep no-store. Next keeps a Cache-Control set here (send-payload.js: "allow users to customize").
  // The security headers go on every response, static files included; the CSP with its per-request
  // nonce is set in proxy.ts.
  async headers() {
    const revalidate = [{ key: "Cache-Control", value: "private, no-cache" }];
    return [
      {
        source: "/:path*",
        headers: Object.entries(staticSecurityHeaders).map(([key, value]) => ({ key, value })),
      },
      ...["/", "/deploy", "/orders/:id"].map((source) => ({ source, headers: revalidate })),
    ];
  },
};

export default nextConfig;
