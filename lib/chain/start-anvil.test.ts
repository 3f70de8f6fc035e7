import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, http } from "viem";
import { afterAll, describe, expect, it } from "vitest";
import { deployMarket } from "./deploy-market";
import { devRoles } from "./dev-accounts";
import { startAnvil } from "./start-anvil";

const stateDir = mkdtempSync(join(tmpdir(), "kubebid-anvil-"));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

const answers = async (rpcUrl: string) => {
  try {
    await createPublicClient({ transport: http(rpcUrl, { retryCount: 0, timeout: 1_000 }) }).getChainId();
    return true;
  } catch {
    return false;
  }
};

describe("startAnvil", () => {
  it("picks a free port, answers JSON-RPC, and stops cleanly", async () => {
    const anvil = await startAnvil();
    expect(anvil.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(anvil.chainId).toBe(31337);
    expect(await answers(anvil.rpcUrl)).toBe(true);
    await anvil.stop();
    await anvil.stop(); // idempotent
    expect(await answers(anvil.rpcUrl)).toBe(false);
  });

  it("keeps deployed contracts across a restart with the same stateDir", async () => {
    const first = await startAnvil({ stateDir });
    const deployed = await deployMarket({
      rpcUrl: first.rpcUrl,
      deployerPrivateKey: devRoles.deployer.privateKey,
    });
    await first.stop();

    const second = await startAnvil({ stateDir });
    try {
      const client = createPublicClient({ transport: http(second.rpcUrl) });
      const code = await client.getCode({ address: deployed.marketAddress });
      expect(code && code.length > 2).toBe(true);
      expect(await client.getBlockNumber()).toBeGreaterThanOrEqual(deployed.deployBlock);
    } finally {
      await second.stop();
    }
  });

  it("mines on an interval when blockTime is set", async () => {
    const anvil = await startAnvil({ blockTime: 1 });
    try {
      const client = createPublicClient({ transport: http(anvil.rpcUrl), cacheTime: 0 });
      const start = await client.getBlockNumber();
      await new Promise((r) => setTimeout(r, 2_200));
      expect(await client.getBlockNumber()).toBeGreaterThan(start);
    } finally {
      await anvil.stop();
    }
  });
});
