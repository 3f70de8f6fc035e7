import { type Chain, defineChain } from "viem";
import { cookieStorage, createConfig, createStorage, http } from "wagmi";
import { injected, mock } from "wagmi/connectors";
import type { PublicConfig } from "@/lib/config";

// wagmi the SSR way: cookie storage so the server renders the connected state, one config per
// browser session (made inside useState in <Providers>). The chain and RPC come from the server's
// runtime config, so one build serves any chain.

/** Anvil's well-known dev accounts 7..9: what the test wallet may act as (never in production). */
export const TEST_WALLET_ACCOUNTS = [
  "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955",
  "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f",
  "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720",
] as const;

/** localStorage key choosing which test account the test wallet exposes (index into TEST_WALLET_ACCOUNTS). */
export const TEST_WALLET_ACCOUNT_KEY = "kubebid.testWalletAccount";

export function marketChain(config: Pick<PublicConfig, "chainId" | "rpcUrl">): Chain {
  return defineChain({
    id: config.chainId,
    name: config.chainId === 31337 ? "Anvil (local)" : `Chain ${config.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
    testnet: config.chainId === 31337,
  });
}

function testWalletAccount(): `0x${string}` {
  const fallback = TEST_WALLET_ACCOUNTS[0];
  if (typeof window === "undefined") return fallback;
  const index = Number(window.localStorage.getItem(TEST_WALLET_ACCOUNT_KEY) ?? "0");
  return TEST_WALLET_ACCOUNTS[index] ?? fallback;
}

export function makeWagmiConfig(config: PublicConfig) {
  const chain = marketChain(config);
  const connectors = [injected()];
  if (config.testWallet) {
    // Signs through the RPC: anvil holds the keys of its dev accounts. Only when ENABLE_TEST_WALLET is set.
    connectors.push(
      mock({ accounts: [testWalletAccount()], features: { reconnect: true } }) as unknown as ReturnType<
        typeof injected
      >,
    );
  }
  return createConfig({
    chains: [chain],
    connectors,
    ssr: true,
    storage: createStorage({ storage: cookieStorage }),
    transports: { [chain.id]: http(config.rpcUrl) },
  });
}

export type WagmiConfig = ReturnType<typeof makeWagmiConfig>;
