// Next.js start-up hook: validate the configuration, open and migrate the database, and start the
// background loops (indexer, bid engine, lease controller, inventory and metrics pollers) in the
// Node.js server process. A bad configuration stops the server here with the variable named.

export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServer } = await import("./lib/server/start-server");
  try {
    await startServer();
  } catch (error) {
    console.error(`[kubebid] cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
}
