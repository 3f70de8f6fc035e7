// The dev test wallet's accounts (anvil's well-known accounts 7..9; see lib/chain/dev-accounts.ts).
// No imports: the e2e fixture reads these outside any React environment.

export const TEST_WALLET_ACCOUNTS = [
  "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955",
  "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f",
  "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720",
] as const;

/** localStorage key choosing which test account the test wallet exposes (index into TEST_WALLET_ACCOUNTS). */
export const TEST_WALLET_ACCOUNT_KEY = "kubebid.testWalletAccount";
