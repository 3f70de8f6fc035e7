// Anvil's well-known default accounts (mnemonic "test test test test test test test test test test test
// junk", m/44'/60'/0'/0/i), with the role each plays in the local dev stack and the tests.
// DEV ONLY: these keys are public; never fund them on a real chain.
import "server-only";
import type { Address, Hex } from "viem";

export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

export type DevAccount = { index: number; address: Address; privateKey: Hex };

/** All ten anvil default accounts, by index (verified against the mnemonic in dev-accounts.test.ts). */
export const devAccounts = [
  {
    index: 0,
    address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    privateKey: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  },
  {
    index: 1,
    address: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    privateKey: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  },
  {
    index: 2,
    address: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    privateKey: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  },
  {
    index: 3,
    address: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    privateKey: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  },
  {
    index: 4,
    address: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
    privateKey: "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  },
  {
    index: 5,
    address: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
    privateKey: "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
  },
  {
    index: 6,
    address: "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
    privateKey: "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
  },
  {
    index: 7,
    address: "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955",
    privateKey: "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
  },
  {
    index: 8,
    address: "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f",
    privateKey: "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
  },
  {
    index: 9,
    address: "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720",
    privateKey: "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
  },
] as const satisfies readonly DevAccount[];

/**
 * The keeper's dev key: index 10 of the same mnemonic. Anvil funds only indexes 0–9, so the local stack
 * and the tests send it gas (dev/deploy.ts `fundKeeper`).
 */
export const devKeeperAccount = {
  index: 10,
  address: "0xBcd4042DE499D14e55001CcbB24a551F3b954096",
  privateKey: "0xf214f2b2cd398c806f84e317254e0f0b801d0643303237d97a22a48e01628897",
} as const satisfies DevAccount;

/**
 * The marketplace's deployer key in dev (`DEPLOYER_PRIVATE_KEY`): attests lease starts, downtime and
 * reputation on chain. Index 11 of the same mnemonic; unfunded by anvil, so the dev stack sends it gas.
 */
export const devDeployerAccount = {
  index: 11,
  address: "0x71bE63f3384f5fb98995898A86B02Fb2426c5788",
  privateKey: "0x701b615bbdfb9de65240bc28bd21bbc0d996645a3dd57e7b12bc2bdf6f192c82",
} as const satisfies DevAccount;

/** Who is who in the dev stack. */
export const devRoles = {
  /** Deploys the contracts; owner and treasury of the dev market. (Not the attesting deployer: see `attester`.) */
  deployer: devAccounts[0],
  /** The server bid engine's operator key, named as operator by the demo providers. */
  bidEngineOperator: devAccounts[1],
  /** Demo providers (seeded clusters). */
  providers: [devAccounts[2], devAccounts[3], devAccounts[4]],
  /** Demo tenants. */
  tenants: [devAccounts[5], devAccounts[6]],
  /** Wallets reserved for end-to-end tests. */
  e2e: [devAccounts[7], devAccounts[8], devAccounts[9]],
  /** The server keeper's key (settles and closes; holds gas, never tokens). */
  keeper: devKeeperAccount,
  /** The marketplace's deployer key (`DEPLOYER_PRIVATE_KEY`): attests starts, downtime and reputation. */
  attester: devDeployerAccount,
} as const;
