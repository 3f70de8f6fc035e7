import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { DEV_MNEMONIC, devAccounts, devDeployerAccount, devKeeperAccount, devRoles } from "./dev-accounts";

describe("dev accounts", () => {
  it("match anvil's default mnemonic", () => {
    for (const account of [...devAccounts, devKeeperAccount, devDeployerAccount]) {
      expect(mnemonicToAccount(DEV_MNEMONIC, { addressIndex: account.index }).address).toBe(account.address);
      expect(privateKeyToAccount(account.privateKey).address).toBe(account.address);
    }
  });

  it("give every role a distinct account", () => {
    const roles = [
      devRoles.deployer,
      devRoles.bidEngineOperator,
      ...devRoles.providers,
      ...devRoles.tenants,
      ...devRoles.e2e,
      devRoles.keeper,
      devRoles.attester,
    ];
    expect(new Set(roles.map((a) => a.index)).size).toBe(12);
  });
});
