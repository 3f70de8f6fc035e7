import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "@/dev/stack";
import { devRoles } from "@/lib/chain/dev-accounts";

// The CLI as a subprocess (`node bin/kubebid.js`, what `npx kubebid` runs) against the local stack:
// anvil with the contracts, the Kubernetes API simulator with the seeded providers, and the app as a
// production server (`next start`, like the e2e run). A tenant deploys a manifest and follows it to
// Running, grants a deploy key for the lease on chain, and the deploy key (a fresh key with no gas and
// no session) updates the image: the tenant sees the new revision. The deploy key may not close the
// lease: a non-zero exit and one line naming the contract's refusal. A stranger's update is refused by
// the server. Runs after `next build` (`npm run test:cli`; `npm test` runs it after the e2e build).

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const tenantKey = devRoles.tenants[1].privateKey;

let stack: Stack;
let dir: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function kubebid(args: string[], key: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: "test",
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    KUBEBID_API: stack.url,
    KUBEBID_RPC: stack.rpcUrl,
    KUBEBID_PRIVATE_KEY: key,
    GREETING_FROM_CI: "1.28",
  };
  return new Promise((resolve, reject) => {
    // Another directory: the shim must find the repository's tsx and paths itself.
    const child = spawn(process.execPath, [path.join(root, "bin", "kubebid.js"), ...args], {
      cwd: dir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

const manifest = (image: string) => `version: 2
name: cli-test
services:
  - name: web
    image: ${image}
    ports:
      - name: http
        port: 80
        expose: http
    resources: { cpu: 250, memory: 256, storage: 512 }
    env:
      - { name: GREETING, secret: greeting }
secrets:
  - name: greeting
`;

beforeAll(async () => {
  if (!existsSync(path.join(root, ".next", "BUILD_ID")))
    throw new Error(
      "bin/kubebid.test.ts needs a production build: run `next build` first (npm test runs this after the e2e build).",
    );
  dir = mkdtempSync(path.join(os.tmpdir(), "kubebid-cli-"));
  stack = await startStack({
    dataDir: path.join(dir, "data"),
    mode: "prod",
    port: 0,
    log: () => {},
    env: { INDEXER_INTERVAL_MS: "300", INVENTORY_INTERVAL_MS: "2000", METRICS_INTERVAL_MS: "1000" },
  });
  writeFileSync(path.join(dir, "v1.yaml"), manifest("nginx:1.27"));
  writeFileSync(path.join(dir, "v2.yaml"), manifest("nginx:1.28"));
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("kubebid CLI", () => {
  it("deploys to Running, updates with a deploy key, and refuses the deploy key a close", async () => {
    const deploy = await kubebid(
      [
        "deploy",
        "v1.yaml",
        "--json",
        "--max-price",
        "0.05",
        "--deposit",
        "0.05",
        "--duration",
        "1",
        "--bid-window",
        "5",
        "--secret",
        "greeting=hello",
        "--timeout",
        "240",
      ],
      tenantKey,
    );
    expect(deploy.stderr).toBe("");
    expect(deploy.code).toBe(0);
    const deployed = JSON.parse(deploy.stdout) as { leaseId: string; orderId: string };
    expect(deployed.leaseId).toBe(deployed.orderId);
    const leaseId = deployed.leaseId;

    const status = JSON.parse((await kubebid(["status", leaseId, "--json"], tenantKey)).stdout);
    expect(status.lease.deployState).toBe("running");
    expect(status.status.pods.some((p: { phase: string }) => p.phase === "Running")).toBe(true);

    const deployKey = generatePrivateKey();
    const deployAddress = privateKeyToAccount(deployKey).address;

    // Before the grant, the server refuses the key's update (the signer is no deploy key of the lease).
    const early = await kubebid(
      ["update", leaseId, "v2.yaml", "--secret-env", "greeting=GREETING_FROM_CI"],
      deployKey,
    );
    expect(early.code).toBe(2);
    expect(early.stderr.trim().split("\n")).toHaveLength(1);

    const grant = await kubebid(["grant", deployAddress, "--lease", leaseId], tenantKey);
    expect(grant.stderr).toBe("");
    expect(grant.code).toBe(0);

    const update = await kubebid(
      ["update", leaseId, "v2.yaml", "--json", "--secret-env", "greeting=GREETING_FROM_CI"],
      deployKey,
    );
    expect(update.stderr).toBe("");
    expect(update.code).toBe(0);
    expect(JSON.parse(update.stdout).revision).toBe(1);

    const revisions = JSON.parse((await kubebid(["revisions", leaseId, "--json"], tenantKey)).stdout) as {
      revision: number;
      revisions: {
        revision: number;
        signer: string;
        current: boolean;
        manifest: { services: { image: string }[] };
      }[];
    };
    expect(revisions.revision).toBe(1);
    const current = revisions.revisions.find((r) => r.current);
    expect(current?.signer.toLowerCase()).toBe(deployAddress.toLowerCase());
    expect(current?.manifest.services[0]?.image).toBe("nginx:1.28");

    // More replicas than the lease bought: the server refuses the update.
    const scale = await kubebid(["scale", leaseId, "web", "2"], tenantKey);
    expect(scale.code).toBe(2);
    expect(scale.stderr.trim().split("\n")).toHaveLength(1);

    const events = await kubebid(["events", leaseId, "--json"], tenantKey);
    expect(events.code).toBe(0);
    expect(Array.isArray(JSON.parse(events.stdout))).toBe(true);
    const logs = await kubebid(["logs", leaseId, "--tail", "5"], tenantKey);
    expect(logs.stderr).toBe("");
    expect(logs.code).toBe(0);

    const close = await kubebid(["close", leaseId], deployKey);
    expect(close.code).toBe(3);
    expect(close.stdout).toBe("");
    expect(close.stderr).toMatch(/^kubebid: closeLease reverted: .*NotAuthorizedToClose/);
    expect(close.stderr.trim().split("\n")).toHaveLength(1);

    const tenantClose = await kubebid(["close", leaseId], tenantKey);
    expect(tenantClose.code).toBe(0);
  }, 400_000);
});
