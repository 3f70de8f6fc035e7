// The security headers of every page and API response, built per request by proxy.ts. The
// Content-Security-Policy carries a fresh nonce: Next reads it from the request's CSP header and puts
// it on its own scripts (pages are rendered per request: the root layout is dynamic), and the root
// layout puts it on its one inline script. Per the Next 16 guide
// (node_modules/next/dist/docs/01-app/02-guides/content-security-policy.md), with these changes:
// - connect-src names the chain's RPC origin: the browser's wallet client (wagmi/viem) talks to it;
// - style attributes are allowed (style-src-attr): React server-renders `style="…"` and a nonce cannot
//   cover an attribute; <style> elements still need the nonce;
// - 'unsafe-eval' only in development (React's dev tooling rebuilds server stacks with eval), and the
//   dev server's HMR websocket;
// - upgrade-insecure-requests and HSTS only where they mean something (production, https).

export interface SecurityHeaderOptions {
  nonce: string;
  /** `next dev`: React's dev tooling needs eval and a websocket. */
  dev: boolean;
  /** NODE_ENV=production: HSTS. */
  production: boolean;
  /** The chain's JSON-RPC URL the browser calls. */
  rpcUrl: string;
  /** The app's public origin (APP_URL), if configured. */
  appUrl?: string;
}

export function contentSecurityPolicy(o: SecurityHeaderOptions): string {
  const rpcOrigin = new URL(o.rpcUrl).origin;
  const https = o.appUrl?.startsWith("https:") ?? false;
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    ["script-src", "'self'", `'nonce-${o.nonce}'`, "'strict-dynamic'", ...(o.dev ? ["'unsafe-eval'"] : [])],
    ["style-src", "'self'", `'nonce-${o.nonce}'`],
    ["style-src-attr", "'unsafe-inline'"],
    ["img-src", "'self'", "data:", "blob:"],
    ["font-src", "'self'", "data:"],
    // The lease shell's WebSocket is on the app's own origin; named as ws(s): for browsers whose
    // 'self' does not cover WebSockets.
    [
      "connect-src",
      "'self'",
      rpcOrigin,
      ...(o.appUrl ? [o.appUrl.replace(/^http/, "ws")] : []),
      ...(o.dev ? ["ws:", "wss:"] : []),
    ],
    ["object-src", "'none'"],
    ["base-uri", "'none'"],
    ["form-action", "'self'"],
    ["frame-ancestors", "'none'"],
    ["manifest-src", "'self'"],
    ["worker-src", "'self'", "blob:"],
  ];
  if (o.production && https) directives.push(["upgrade-insecure-requests"]);
  return directives.map((d) => d.join(" ")).join("; ");
}

/**
 * The headers that are the same on every response, static files included (next.config.ts sets them).
 */
export const staticSecurityHeaders: Record<string, string> = {
  "x-content-type-options": "nosniff",
  // For browsers that predate frame-ancestors.
  "x-frame-options": "DENY",
  "referrer-policy": "strict-origin-when-cross-origin",
  // Nothing here uses these. USB/HID stay allowed for the page itself: hardware wallets use them.
  "permissions-policy":
    "camera=(), microphone=(), geolocation=(), payment=(), display-capture=(), browsing-topics=(), usb=(self), hid=(self)",
  // Wallet popups (e.g. a smart wallet's) still get a handle on the opener.
  "cross-origin-opener-policy": "same-origin-allow-popups",
};

/** The per-request headers (proxy.ts): the CSP with its nonce, and HSTS in production. */
export function requestSecurityHeaders(o: SecurityHeaderOptions): Record<string, string> {
  return {
    "content-security-policy": contentSecurityPolicy(o),
    ...(o.production ? { "strict-transport-security": "max-age=63072000; includeSubDomains" } : {}),
  };
}
