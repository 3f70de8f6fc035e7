// Starts the anvil binary shipped in node_modules (@foundry-rs/anvil) on 127.0.0.1 for the dev stack and
// tests, waits until it answers JSON-RPC, and stops it (the whole process group) on demand.
import "server-only";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";

export type StartAnvilOptions = {
  /** TCP port; 0 or absent picks a free one. */
  port?: number;
  /** Seconds between blocks; absent = mine on every transaction (automine). */
  blockTime?: number;
  /** Directory for `anvil-state.json`: state is loaded on start and dumped on stop (and every few seconds). */
  stateDir?: string;
  /** Chain id, default 31337. */
  chainId?: number;
  /** How long to wait for the node to answer, default 30 s. */
  timeoutMs?: number;
};

export type AnvilInstance = { rpcUrl: string; chainId: number; stop(): Promise<void> };

const require_ = createRequire(import.meta.url);

/** Path of the native anvil binary (skipping the npm wrapper, so stop() signals anvil itself). */
function anvilBinaryPath(): string {
  const platformPkg = `@foundry-rs/anvil-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}`;
  try {
    const bin = join(dirname(require_.resolve(`${platformPkg}/package.json`)), "bin", "anvil");
    if (existsSync(bin)) return bin;
  } catch {
    // fall through to the wrapper
  }
  return resolve(process.cwd(), "node_modules", ".bin", "anvil");
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function rpcChainId(rpcUrl: string): Promise<number | undefined> {
  try {
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1_000),
    });
    const body = (await res.json()) as { result?: string };
    return body.result ? Number(body.result) : undefined;
  } catch {
    return undefined;
  }
}

/** Start anvil on 127.0.0.1 and resolve once `eth_chainId` answers. */
export async function startAnvil(opts: StartAnvilOptions = {}): Promise<AnvilInstance> {
  const port = opts.port ? opts.port : await freePort();
  const chainId = opts.chainId ?? 31337;
  const args = ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(chainId)];
  if (opts.blockTime !== undefined) args.push("--block-time", String(opts.blockTime));
  if (opts.stateDir) {
    mkdirSync(opts.stateDir, { recursive: true });
    // --state loads the file if present and dumps on exit; the interval bounds loss on a hard kill.
    args.push("--state", join(opts.stateDir, "anvil-state.json"), "--state-interval", "5");
  }

  const child = spawn(anvilBinaryPath(), args, { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);

  let exited = false;
  const exitPromise = new Promise<void>((resolveExit) => {
    child.once("exit", () => {
      exited = true;
      resolveExit();
    });
  });
  const killOnParentExit = () => signalGroup(child, "SIGKILL");
  process.once("exit", killOnParentExit);

  const rpcUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    if (exited) {
      process.off("exit", killOnParentExit);
      throw new Error(`anvil exited before answering on ${rpcUrl}:\n${output}`);
    }
    const answered = await rpcChainId(rpcUrl);
    if (answered === chainId) break;
    if (Date.now() > deadline) {
      signalGroup(child, "SIGKILL");
      process.off("exit", killOnParentExit);
      throw new Error(`anvil did not answer on ${rpcUrl} within the timeout:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (!exited) {
        // SIGTERM lets anvil dump --state; escalate if it hangs.
        signalGroup(child, "SIGTERM");
        const timer = setTimeout(() => signalGroup(child, "SIGKILL"), 5_000);
        await exitPromise;
        clearTimeout(timer);
      }
      process.off("exit", killOnParentExit);
    })();
    return stopping;
  };
  return { rpcUrl, chainId, stop };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}
