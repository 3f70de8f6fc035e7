// Next.js start-up hook: validate the configuration, open and migrate the database, and start the
// background loops (indexer, bid engine, lease controller, inventory and metrics pollers) in the
// Node.js server process, and serve the lease shell's WebSocket. A bad configuration stops the
// server here with the variable named.

export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Before the first request: rate limits key on the connection's address (lib/api/client-ip.ts).
  const { stampPeerAddress } = await import("./lib/api/stamp-peer-address");
  stampPeerAddress();
  const { startServerOrExit } = await import("./lib/server/start-server");
  await startServerOrExit();
  // The lease shell's WebSocket, served beside Next on the same server (lib/server/shell-socket.ts).
  const { startShellSockets } = await import("./lib/server/start-shell-sockets");
  startShellSockets();
}
