import "server-only";
import { getDbHandle } from "@/db";
import { getConfig } from "@/lib/config";

// Everything the server process does once at start. Background loops are singletons: each takes a
// PostgreSQL advisory lock (PGlite is one process anyway), so several app processes can share one
// database and only one of them runs each loop.

const globalForStart = globalThis as unknown as { kubebidStarted?: Promise<void> };

function startServer(): Promise<void> {
  globalForStart.kubebidStarted ??= (async () => {
    const config = getConfig();
    await getDbHandle();
    console.log(
      `[kubebid] database ${config.embeddedDatabase ? "PGlite" : "PostgreSQL"} ready; chain ${config.CHAIN_ID} at ${config.RPC_URL}`,
    );
    if (config.BACKGROUND_JOBS === "on") {
      const { startBackgroundJobs } = await import("./background-jobs");
      await startBackgroundJobs();
    }
  })();
  return globalForStart.kubebidStarted;
}

/** startServer, and on failure (e.g. a bad variable) a one-line reason and exit code 1. */
export async function startServerOrExit(): Promise<void> {
  try {
    await startServer();
  } catch (error) {
    console.error(`[kubebid] cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
}
