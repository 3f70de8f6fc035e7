import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { cookieToInitialState } from "wagmi";
import { SiteFooter } from "@/components/layout/site-footer";
import { SiteHeader } from "@/components/layout/site-header";
import { getPublicConfig } from "@/lib/config";
import { makeWagmiConfig } from "@/lib/wagmi/config";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "KubeBid — Kubernetes compute, priced by auction", template: "%s · KubeBid" },
  description:
    "An open marketplace for Kubernetes compute: providers bid prices down on-chain, tenants watch their pods live.",
};

// Runtime config (chain, addresses) is read per request, so one production build serves any deployment.
export const dynamic = "force-dynamic";

// Runs before first paint so a dark-mode user never sees a white flash.
const themeScript = `(()=>{try{const t=localStorage.getItem("kubebid.theme");const d=t?t==="dark":matchMedia("(prefers-color-scheme: dark)").matches;document.documentElement.classList.toggle("dark",d)}catch{}})()`;

export default async function RootLayout({ children }: { children: ReactNode }) {
  const publicConfig = getPublicConfig();
  const requestHeaders = await headers();
  const initialState = cookieToInitialState(makeWagmiConfig(publicConfig), requestHeaders.get("cookie"));
  // The Content-Security-Policy's per-request nonce (proxy.ts): inline scripts without it do not run.
  const nonce = requestHeaders.get("x-nonce") ?? undefined;
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant script, no user input */}
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="min-h-screen font-sans">
        <Providers publicConfig={publicConfig} initialState={initialState}>
          <a
            href="#main"
            className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 dark:focus:bg-zinc-900"
          >
            Skip to content
          </a>
          <SiteHeader />
          <main id="main" className="mx-auto w-full max-w-7xl px-4 py-8 sm:px-6">
            {children}
          </main>
          <SiteFooter />
        </Providers>
      </body>
    </html>
  );
}
