import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { devRoles } from "@/lib/chain/dev-accounts";
import { freePort } from "./free-port";
import type { HpaOptions } from "./k8s-sim/controllers/hpa";
import type { SimClusterSpec } from "./k8s-sim/simulator";

// The local stack of the embedded default: anvil with the contracts deployed, the Kubernetes API
// simulator with the demo provider clusters, the database migrated and seeded, and the Next.js
// server. `npm run dev` and the e2e fixture both start it through `startStack`. State lives under
// the data directory, so a second start reuses the chain, the clusters and the database.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface StackOptions {
  dataDir: string;
  /** Next.js port; default 3000 when free, else any free port. */
  port?: number;
  /** `dev` = next dev (hot reload); `prod` = next start on an existing production build. */
  mode: "dev" | "prod";
  /** Seed the demo providers and their clusters (default true). */
  seed?: boolean;
  /** Bid window and other timings for fast tests. */
  env?: Record<string, string>;
  /** The simulated clusters' HPA controller flags (default: kube-controller-manager's, 15 s and 300 s). */
  hpa?: Partial<HpaOptions>;
  log?: (line: string) => void;
}

export interface StackInfo {
  url: string;
  rpcUrl: string;
  chainId: number;
  marketAddress: `0x${string}`;
  tokenAddress: `0x${string}`;
  deployBlock: string;
  dataDir: string;
  kubeconfigDir: string;
  encryptionKey: string;
  /** The simulator's ingress listener on 127.0.0.1 (every cluster's Ingresses, by Host). */
  ingressPort: number;
  /** Each simulated cluster's ingress base domain (e.g. apps.fra-gpu.localhost), by cluster name. */
  ingressDomains: Record<string, string>;
  /**
   * DEV ONLY: the simulator's control listener (dev/sim-control.ts). From another process (an e2e
   * worker), `setSimClusterRunning(simControlUrl, name, false | true)` stops a cluster / starts it again.
   */
  simControlUrl: string;
}

export interface Stack extends StackInfo {
  stop(): Promise<void>;
  /**
   * Takes simulated cluster `name` off the network (its API refuses connections; pods keep running)
   * or brings it back on the same address, to inject downtime. Same as POST simControlUrl.
   */
  setClusterRunning(name: string, running: boolean): Promise<void>;
}

interface Persisted {
  encryptionKey: string;
  anvilPort?: number;
  marketAddress?: `0x${string}`;
  tokenAddress?: `0x${string}`;
  deployBlock?: string;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const dataDir = path.resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const persistedFile = path.join(dataDir, "stack.json");
  const persisted: Persisted = existsSync(persistedFile)
    ? JSON.parse(readFileSync(persistedFile, "utf8"))
    : { encryptionKey: randomBytes(32).toString("hex") };
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse())
      await stop().catch((e) => log(`stop failed: ${(e as Error).message}`));
  };

  try {
    // 1. The chain.
    const { startAnvil } = await import("@/lib/chain/start-anvil");
    const anvil = await startAnvil({
      port: await freePort(persisted.anvilPort ?? 8545),
      stateDir: path.join(dataDir, "anvil"),
    });
    stops.push(() => anvil.stop());
    persisted.anvilPort = Number(new URL(anvil.rpcUrl).port);
    log(`chain      anvil ${anvil.rpcUrl} (chain ${anvil.chainId})`);

    const { ensureMarketDeployed } = await import("./deploy");
    const deployment = await ensureMarketDeployed({ rpcUrl: anvil.rpcUrl, previous: persisted });
    Object.assign(persisted, deployment);
    log(`contracts  ComputeMarket ${deployment.marketAddress}, token ${deployment.tokenAddress}`);

    // 2. The simulated provider clusters.
    const { startSimulator } = await import("./k8s-sim/simulator");
    const { defaultClusters } = await import("./k8s-sim/default-clusters");
    const sim = await startSimulator({
      clusters: [...defaultClusters, spareCluster],
      stateFile: path.join(dataDir, "k8s-sim.json"),
      hpa: opts.hpa,
    });
    stops.push(() => sim.stop());
    const { startSimControl } = await import("./sim-control");
    const simControl = await startSimControl(sim);
    stops.push(() => simControl.close());
    // Each cluster set up as the wizard tells a provider: the generated RBAC applied with the admin
    // token, KubeBid's token read from its token Secret. `<name>.kubeconfig` holds that token (what a
    // provider uploads); `<name>.admin.kubeconfig` is the provider's own kubectl access.
    const { provisionKubebidAccess } = await import("./provision-kubebid-access");
    const kubebidTokens = new Map<string, string>();
    for (const cluster of sim.clusters)
      kubebidTokens.set(cluster.name, await provisionKubebidAccess(cluster, sim.caPem, { via: "secret" }));
    const kubeconfigDir = path.join(dataDir, "kubeconfigs");
    mkdirSync(kubeconfigDir, { recursive: true });
    for (const cluster of sim.clusters) {
      const token = kubebidTokens.get(cluster.name);
      writeFileSync(
        path.join(kubeconfigDir, `${cluster.name}.kubeconfig`),
        cluster.kubeconfig({ token, user: "kubebid" }),
        { mode: 0o600 },
      );
      writeFileSync(path.join(kubeconfigDir, `${cluster.name}.admin.kubeconfig`), cluster.kubeconfig(), {
        mode: 0o600,
      });
    }
    log(`clusters   ${sim.clusters.map((c) => `${c.name} ${c.server}`).join(", ")}`);
    log(
      `ingress    http://127.0.0.1:${sim.ingressPort} for ${sim.clusters.map((c) => `*.${c.ingressBaseDomain}`).join(", ")}`,
    );
    writeFileSync(persistedFile, JSON.stringify(persisted, null, 2), { mode: 0o600 });

    const info: StackInfo = {
      url: "",
      rpcUrl: anvil.rpcUrl,
      chainId: anvil.chainId,
      marketAddress: deployment.marketAddress,
      tokenAddress: deployment.tokenAddress,
      deployBlock: deployment.deployBlock,
      dataDir,
      kubeconfigDir,
      encryptionKey: persisted.encryptionKey,
      ingressPort: sim.ingressPort,
      ingressDomains: Object.fromEntries(sim.clusters.map((c) => [c.name, c.ingressBaseDomain])),
      simControlUrl: simControl.url,
    };

    // 3. Database: migrate and seed, then close (PGlite allows one process per directory).
    const env = stackEnv(info, opts.env);
    if (opts.seed !== false) {
      const { seedDemo } = await import("./seed");
      const seeded = await seedDemo({ info, sim, kubebidTokens, databaseUrl: env.DATABASE_URL });
      log(`seed       ${seeded}`);
    }

    // 4. The app.
    const port = await freePort(opts.port ?? 3000);
    info.url = `http://127.0.0.1:${port}`;
    const next = startNext({ mode: opts.mode, port, env: { ...env, APP_URL: info.url } });
    stops.push(() => stopChild(next));
    await waitForHttp(`${info.url}/api/health`, next, opts.mode === "dev" ? 180_000 : 60_000);
    writeFileSync(path.join(dataDir, "stack-info.json"), JSON.stringify(info, null, 2), { mode: 0o600 });
    const setClusterRunning = async (name: string, running: boolean) => {
      const cluster = sim.cluster(name);
      await (running ? cluster.start() : cluster.stop());
    };
    return { ...info, stop: stopAll, setClusterRunning };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** A cluster nobody has onboarded yet: its kubeconfig is there for a new provider to paste into the wizard. */
const spareCluster: SimClusterSpec = {
  name: "lab-spare",
  region: "eu-north-1",
  cni: "calico",
  nodes: [
    { name: "lab-spare-1", cpu: "16", memory: "64Gi" },
    { name: "lab-spare-2", cpu: "16", memory: "64Gi", gpus: 2, gpuProduct: "NVIDIA-L40S" },
  ],
};

/** The environment the app gets from the stack (the same variables a real deployment sets). */
export function stackEnv(
  info: Omit<StackInfo, "url" | "simControlUrl">,
  extra?: Record<string, string>,
): Record<string, string> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  return {
    ...inherited,
    NEXT_TELEMETRY_DISABLED: "1",
    DATA_DIR: info.dataDir,
    RPC_URL: info.rpcUrl,
    CHAIN_ID: String(info.chainId),
    MARKET_ADDRESS: info.marketAddress,
    TOKEN_ADDRESS: info.tokenAddress,
    MARKET_DEPLOY_BLOCK: info.deployBlock,
    CONFIRMATIONS: "0",
    OPERATOR_PRIVATE_KEY: devRoles.bidEngineOperator.privateKey,
    // The deployer only acts while the stack starts; afterwards it relays signed orders.
    RELAYER_PRIVATE_KEY: devRoles.deployer.privateKey,
    // Funded with gas by ensureMarketDeployed (dev/deploy.ts).
    KEEPER_PRIVATE_KEY: devRoles.keeper.privateKey,
    DEPLOYER_PRIVATE_KEY: devRoles.attester.privateKey,
    KUBECONFIG_ENCRYPTION_KEY: info.encryptionKey,
    ALLOW_PRIVATE_CLUSTER_ADDRESSES: "true",
    ENABLE_TEST_WALLET: "true",
    ...extra,
  };
}

/** One Next.js server process (detached: its own process group, so it can be stopped or killed whole). */
export function startNext(opts: {
  mode: "dev" | "prod";
  port: number;
  env: Record<string, string>;
  /** Prefix of its output lines (default "next"). */
  label?: string;
  /** Every output line, e.g. for a test that follows which loops the process holds. */
  onLine?: (line: string) => void;
}): ChildProcess {
  const bin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const args = [bin, opts.mode === "dev" ? "dev" : "start", "-p", String(opts.port), "-H", "127.0.0.1"];
  // NODE_OPTIONS may carry `--conditions=react-server` (how our tsx scripts import server-only
  // modules); Next must not inherit it.
  const { NODE_OPTIONS: _ignored, ...env } = opts.env;
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: {
      ...env,
      NODE_ENV: opts.mode === "dev" ? "development" : "production",
      PORT: String(opts.port),
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const label = (opts.label ?? "next").padEnd(10);
  const prefix = (chunk: Buffer) => {
    const lines = chunk
      .toString()
      .split("\n")
      .filter((l) => l.trim() && !l.includes("nodedir"));
    for (const line of lines) opts.onLine?.(line);
    return lines.map((l) => `${label} ${l}`).join("\n");
  };
  child.stdout?.on("data", (c: Buffer) => {
    const text = prefix(c);
    if (text) process.stdout.write(`${text}\n`);
  });
  child.stderr?.on("data", (c: Buffer) => {
    const text = prefix(c);
    if (text) process.stderr.write(`${text}\n`);
  });
  return child;
}

/** SIGTERM to the child's process group, SIGKILL after 5 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {}
  }, 5_000);
  await exited;
  clearTimeout(timer);
}

export async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the Next.js server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
      if (res.status === 200 || res.status === 503) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the Next.js server did not answer ${url} within ${timeoutMs / 1000}s`);
}
