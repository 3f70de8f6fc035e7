import "server-only";
import { getDb } from "@/db";
import { getConfig } from "@/lib/config";
import { clusterClientFor } from "@/lib/lease/cluster-clients";
import { installShellSockets } from "./shell-socket";

// The lease shell's WebSocket endpoint (shell-socket.ts) with the server's database, cluster clients
// and configuration. Called once from instrumentation.ts.

export function startShellSockets(): void {
  const config = getConfig();
  installShellSockets({
    db: getDb,
    clientFor: (db, clusterId) => clusterClientFor({ db, clusterId }),
    appOrigin: config.APP_URL,
    rateLimitScale: config.RATE_LIMIT_SCALE,
  });
}
