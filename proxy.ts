import { type NextRequest, NextResponse } from "next/server";
import { requestSecurityHeaders } from "@/lib/api/security-headers";
import { getConfig } from "@/lib/config";

// Next 16's request proxy (formerly middleware): the Content-Security-Policy (and HSTS) on every page
// and API response; the headers that never change come from next.config.ts. The CSP's nonce is fresh
// per request and reaches the render through the request headers: Next takes it from the request's
// Content-Security-Policy for its own scripts, the root layout reads `x-nonce` for its inline one.

export function proxy(request: NextRequest) {
  const config = getConfig();
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
  const headers = requestSecurityHeaders({
    nonce,
    dev: config.NODE_ENV === "development",
    production: config.NODE_ENV === "production",
    rpcUrl: config.RPC_URL,
    appUrl: config.APP_URL,
  });
  const forwarded = new Headers(request.headers);
  forwarded.set("x-nonce", nonce);
  forwarded.set("content-security-policy", headers["content-security-policy"] as string);
  const response = NextResponse.next({ request: { headers: forwarded } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: [
    // Not the build's static files (immutable, served before any route); next.config.ts gives
    // them nosniff. Prefetches render no document, so they need no nonce either.
    {
      source: "/((?!_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
