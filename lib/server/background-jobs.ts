import "server-only";
import { getDbHandle } from "@/db";
import { startAlertDeliveryJob, startAlertsJob } from "@/lib/alerts/start-alert-jobs";
import { startIndexerJob } from "@/lib/chain/indexer/indexer-job";
import { startDomainChecksJob } from "@/lib/lease/domains/start-domain-checks-job";
import { startDeployerJob } from "@/lib/lease/start-deployer-job";
import { startKeeperJob } from "@/lib/lease/start-keeper-job";
import {
  startLeaseControllerJob,
  startMetricsDownsamplerJob,
  startMetricsPollerJob,
} from "@/lib/lease/start-lease-jobs";
import { startBidEngineJob } from "@/lib/market/bid-engine/start-bid-engine";
import { startInventoryJob } from "@/lib/provider/start-inventory-job";

// The server's singleton loops, started once per process by instrumentation.ts when
// BACKGROUND_JOBS=on. Each loop is a `startSingletonLoop` (lib/server/singleton-loop.ts) and adds
// itself below with one line; the returned stop functions run on shutdown.

const stops: (() => Promise<void>)[] = [];

export async function startBackgroundJobs(): Promise<void> {
  const handle = await getDbHandle();
  stops.push(await startIndexerJob(handle));
  stops.push(await startInventoryJob(handle));
  stops.push(await startBidEngineJob(handle));
  stops.push(await startKeeperJob(handle));
  stops.push(await startDeployerJob(handle));
  stops.push(await startDomainChecksJob(handle));
  stops.push(await startLeaseControllerJob(handle));
  stops.push(await startMetricsPollerJob(handle));
  stops.push(await startMetricsDownsamplerJob(handle));
  stops.push(await startAlertsJob(handle));
  stops.push(await startAlertDeliveryJob(handle));

  const shutdown = async () => {
    await Promise.allSettled(stops.map((stop) => stop()));
    process.exit(0);
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}
