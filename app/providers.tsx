"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { type State, WagmiProvider } from "wagmi";
import { z } from "zod";
import { PublicConfigContext } from "@/components/public-config";
import type { PublicConfig } from "@/lib/config";
import { makeWagmiConfig } from "@/lib/wagmi/config";

// zod compiles object schemas with `new Function` when it may; in the browser the CSP (proxy.ts)
// forbids eval, and zod's probe for it is itself reported as a CSP violation. Parse without it.
if (typeof window !== "undefined") z.config({ jitless: true });

export function Providers(props: { children: ReactNode; publicConfig: PublicConfig; initialState?: State }) {
  const [config] = useState(() => makeWagmiConfig(props.publicConfig));
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, refetchOnWindowFocus: false } } }),
  );
  return (
    <PublicConfigContext.Provider value={props.publicConfig}>
      <WagmiProvider config={config} initialState={props.initialState}>
        <QueryClientProvider client={queryClient}>{props.children}</QueryClientProvider>
      </WagmiProvider>
    </PublicConfigContext.Provider>
  );
}
