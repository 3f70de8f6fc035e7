import "server-only";

// The server's singleton loops. Each journey adds its loop here (indexer, bid engine, lease
// controller, inventory loop, metrics poller); each loop guards itself with an advisory lock.

export async function startBackgroundJobs(): Promise<void> {}
