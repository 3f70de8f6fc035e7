import "server-only";
import { and, desc, eq, inArray, isNotNull, ne } from "drizzle-orm";
import type { Db } from "@/db/client";
import { bidDecisions, clusters, type Lease, leases, manifests, orders } from "@/db/schema";
import type { ClusterClient } from "@/lib/k8s/cluster-client";
import type { LeaseWorkload } from "@/lib/lease/workload";
import { canonicalizeManifest } from "@/lib/market/manifest";

// The lease controller: turns leases (written by the indexer) into workloads and back.
// - pending: find the manifest stored for the order's specHash, re-hash it and refuse it unless the
//   hash equals the order's specHash; pick the winner's cluster (the one its bid was sized for, else
//   its first cluster that is up) and apply the workload idempotently → deploying.
// - deploying: follow the pods until every one runs and is ready → running (or record why not).
// - closed or out of time/escrow: tear the namespace down → torn_down.
// - after a restart (first tick) every active workload is re-applied: apply is idempotent, so this
//   repairs whatever changed while we were away.
// One tick handles every lease; failures are recorded per lease and retried next tick.

export interface LeaseControllerDeps {
  db: Db;
  workload: LeaseWorkload;
  clientFor: (clusterId: string) => Promise<ClusterClient>;
  /** Whether a lease has run out on-chain (escrow or duration used up); default: endsAt passed. */
  isExhausted?: (lease: Lease) => Promise<boolean>;
  now?: () => Date;
  log?: (message: string) => void;
}

export interface LeaseController {
  tick(): Promise<void>;
}

export function createLeaseController(deps: LeaseControllerDeps): LeaseController {
  const log = deps.log ?? ((m: string) => console.log(`[lease-controller] ${m}`));
  const now = deps.now ?? (() => new Date());
  let reconciled = false;

  async function setState(id: string, values: Partial<Lease>) {
    await deps.db
      .update(leases)
      .set({ ...values, updatedAt: now() })
      .where(eq(leases.id, id));
  }

  async function pickCluster(lease: Lease): Promise<string | null> {
    const [decision] = await deps.db
      .select({ clusterId: bidDecisions.clusterId })
      .from(bidDecisions)
      .where(
        and(
          eq(bidDecisions.orderId, lease.orderId),
          eq(bidDecisions.provider, lease.provider),
          inArray(bidDecisions.action, ["bid", "undercut"]),
          isNotNull(bidDecisions.clusterId),
        ),
      )
      .orderBy(desc(bidDecisions.createdAt))
      .limit(1);
    if (decision?.clusterId) return decision.clusterId;
    const [cluster] = await deps.db
      .select({ id: clusters.id })
      .from(clusters)
      .where(and(eq(clusters.providerAddress, lease.provider), eq(clusters.status, "up")))
      .orderBy(clusters.createdAt)
      .limit(1);
    return cluster?.id ?? null;
  }

  async function deploy(lease: Lease): Promise<void> {
    const [order] = await deps.db.select().from(orders).where(eq(orders.id, lease.orderId));
    if (!order) return; // the indexer writes the order first; wait for it
    const [stored] = await deps.db
      .select()
      .from(manifests)
      .where(eq(manifests.specHash, order.specHash.toLowerCase()));
    if (!stored) {
      if (lease.deployError !== "waiting for the tenant's manifest")
        await setState(lease.id, { deployError: "waiting for the tenant's manifest" });
      return;
    }
    let canonical: ReturnType<typeof canonicalizeManifest>;
    try {
      canonical = canonicalizeManifest(stored.body);
    } catch {
      await setState(lease.id, {
        deployState: "failed",
        deployError: "the stored manifest is not valid; refusing to deploy",
      });
      return;
    }
    if (canonical.specHash.toLowerCase() !== order.specHash.toLowerCase()) {
      log(
        `lease ${lease.id}: manifest hash ${canonical.specHash} != order specHash ${order.specHash}, refused`,
      );
      await setState(lease.id, {
        deployState: "failed",
        deployError: "manifest hash does not match the order's specHash; refusing to deploy",
      });
      return;
    }
    const clusterId = lease.clusterId ?? (await pickCluster(lease));
    if (!clusterId) {
      await setState(lease.id, { deployError: "the provider has no cluster online" });
      return;
    }
    const client = await deps.clientFor(clusterId);
    const { namespace } = await deps.workload.apply(client, {
      leaseId: lease.id,
      tenant: lease.tenant,
      specHash: order.specHash,
      manifest: canonical.manifest,
    });
    await setState(lease.id, { deployState: "deploying", deployError: null, namespace, clusterId });
    log(`lease ${lease.id}: applied to cluster ${clusterId} (${namespace})`);
  }

  async function follow(lease: Lease): Promise<void> {
    if (!lease.clusterId) return setState(lease.id, { deployState: "pending" });
    const client = await deps.clientFor(lease.clusterId);
    const status = await deps.workload.status(client, { leaseId: lease.id });
    const pods = status.pods;
    const running = pods.length > 0 && pods.every((p) => p.phase === "Running" && p.ready);
    if (running) {
      if (lease.deployState !== "running" || lease.deployError)
        await setState(lease.id, { deployState: "running", deployError: null });
      return;
    }
    const problem = pods.find((p) => p.reason)?.reason ?? null;
    if (lease.deployState === "running" || problem !== lease.deployError)
      await setState(lease.id, { deployState: "deploying", deployError: problem });
  }

  async function teardown(lease: Lease): Promise<void> {
    if (lease.clusterId) {
      const client = await deps.clientFor(lease.clusterId);
      await deps.workload.teardown(client, { leaseId: lease.id });
    }
    await setState(lease.id, { deployState: "torn_down", deployError: null });
    log(`lease ${lease.id}: torn down`);
  }

  async function exhausted(lease: Lease): Promise<boolean> {
    if (deps.isExhausted) return deps.isExhausted(lease);
    return Boolean(lease.endsAt && lease.endsAt.getTime() <= now().getTime());
  }

  async function guarded(lease: Lease, what: string, fn: () => Promise<void>) {
    try {
      await fn();
    } catch (error) {
      const message = (error as Error).message?.split("\n")[0] ?? String(error);
      log(`lease ${lease.id}: ${what} failed: ${message}`);
      await setState(lease.id, { deployError: `${what} failed: ${message}`.slice(0, 500) }).catch(() => {});
    }
  }

  return {
    async tick() {
      const open = await deps.db.select().from(leases).where(ne(leases.deployState, "torn_down"));
      const firstTick = !reconciled;
      await Promise.all(
        open.map(async (lease) => {
          if (lease.status === "closed") return guarded(lease, "teardown", () => teardown(lease));
          if (lease.deployState !== "failed" && (await exhausted(lease).catch(() => false)))
            return guarded(lease, "teardown", () => teardown(lease));
          if (lease.deployState === "pending") return guarded(lease, "deploy", () => deploy(lease));
          if (firstTick && (lease.deployState === "running" || lease.deployState === "deploying"))
            await guarded(lease, "reconcile", () => deploy({ ...lease, deployState: "pending" }));
          if (lease.deployState === "deploying" || lease.deployState === "running")
            return guarded(lease, "status", () => follow(lease));
        }),
      );
      reconciled = true;
    },
  };
}
