import { type Chain, defineChain } from "viem";
import { cookieStorage, createConfig, createStorage, http } from "wagmi";
import { injected, mock } from "wagmi/connectors";
import type { PublicConfig } from "@/lib/config";
import { TEST_WALLET_ACCOUNT_KEY, TEST_WALLET_ACCOUNTS } from "./test-wallet";

// wagmi the SSR way: cookie storage so the server renders the connected state, one config per
// browser session (made inside useState in <Providers>). The chain and RPC come from the server's
// runtime config, so one build serves any chain.

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

const TEST_WALLET_AUTHORIZED_KEY = "kubebid.testWalletAuthorized";

/**
 * The dev test wallet: wagmi's mock connector acting as an anvil dev account; it signs through the
 * RPC (anvil holds the dev keys). Only when ENABLE_TEST_WALLET is set. Like a real wallet it
 * remembers that the site was authorized (localStorage), so a reload reconnects it and a
 * disconnect forgets it.
 */
function testWalletConnector() {
  const authorized =
    typeof window !== "undefined" && window.localStorage.getItem(TEST_WALLET_AUTHORIZED_KEY) === "1";
  const base = mock({
    accounts: [testWalletAccount()],
    features: { reconnect: true, defaultConnected: authorized },
  });
  return ((wagmiConfig: Parameters<typeof base>[0]) => {
    const connector = base(wagmiConfig);
    const remembering: typeof connector = {
      ...connector,
      connect: (async (params: Parameters<typeof connector.connect>[0]) => {
        const result = await connector.connect.call(remembering, params);
        window.localStorage.setItem(TEST_WALLET_AUTHORIZED_KEY, "1");
        return result;
      }) as typeof connector.connect,
      async disconnect() {
        window.localStorage.removeItem(TEST_WALLET_AUTHORIZED_KEY);
        return connector.disconnect.call(remembering);
      },
    };
    return remembering;
  }) as unknown as typeof base;
}

export function makeWagmiConfig(config: PublicConfig) {
  const chain = marketChain(config);
  const connectors = [injected()];
  if (config.testWallet) connectors.push(testWalletConnector() as unknown as ReturnType<typeof injected>);
  return createConfig({
    chains: [chain],
    connectors,
    ssr: true,
    storage: createStorage({ storage: cookieStorage }),
    transports: { [chain.id]: http(config.rpcUrl) },
  });
}

export type WagmiConfig = ReturnType<typeof makeWagmiConfig>;
