import "server-only";
import { createPublicClient, http, type PublicClient } from "viem";
import { getConfig } from "@/lib/config";
import { marketChain } from "@/lib/wagmi/config";

// The server's read-only chain client, one per process.
const globalForChain = globalThis as unknown as { kubebidPublicClient?: PublicClient };

export function getPublicClient(): PublicClient {
  if (!globalForChain.kubebidPublicClient) {
    const config = getConfig();
    globalForChain.kubebidPublicClient = createPublicClient({
      chain: marketChain({ chainId: config.CHAIN_ID, rpcUrl: config.RPC_URL }),
      transport: http(config.RPC_URL, { timeout: 5_000, retryCount: 1 }),
    }) as PublicClient;
  }
  return globalForChain.kubebidPublicClient;
}
