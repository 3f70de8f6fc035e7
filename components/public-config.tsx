"use client";

import { createContext, useContext } from "react";
import type { PublicConfig } from "@/lib/config";

export const PublicConfigContext = createContext<PublicConfig | null>(null);

/** The server's public runtime config (chain, RPC, contract addresses), available in client components. */
export function usePublicConfig(): PublicConfig {
  const value = useContext(PublicConfigContext);
  if (!value) throw new Error("usePublicConfig must be used inside <Providers>");
  return value;
}
