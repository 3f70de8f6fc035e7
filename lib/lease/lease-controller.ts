import "server-only";
import { and, desc, eq, inArray, isNotNull, ne } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { bidDecisions, clusters, type Lease, leaseDeploys, leases, manifests, orders } from "@/db/schema";
import { isAppError } from "@/lib/errors";
import {
  buildLeaseObjects,
  type LeaseCapacity,
  type LeaseWorkloadInput,
  leaseNamespace,
} from "@/lib/k8s/build-lease-objects";
import type { ClusterClient } from "@/lib/k8s/cluster-client";
import { clusterExposureSchema, storageClassOfferSchema } from "@/lib/k8s/cluster-exposure";
import { capturePostMortem } from "@/lib/lease/capture-post-mortem";
import { claimLeaseDeploy, markLeaseDeployApplied, releaseLeaseDeploy } from "@/lib/lease/claim-lease-deploy";
import { deleteLeaseStatus, saveLeaseStatus } from "@/lib/lease/lease-status-store";
import {
  closeLeaseDowntime,
  type LeaseHealth,
  providerHealth,
  readAttestedStarts,
  recordLeaseHealth,
  workloadHealth,
} from "@/lib/lease/record-lease-health";
import type { LeaseWorkload } from "@/lib/lease/workload";
import { canonicalizeManifest, type Manifest, manifestServices, manifestTotals } from "@/lib/market/manifest";
import { loadSecretValues } from "@/lib/market/secret-values";

// The lease controller: turns leases (written by the indexer) into workloads and back.
// - pending: find the manifest stored for the lease's spec hash (leases.spec_hash, the order's until a
//   spec update), re-hash it and refuse it unless the hashes are equal; pick the winner's cluster (the one its bid was sized for, else
//   its first cluster that is up) and apply the workload idempotently → deploying. The manifest's
//   secret values (stored encrypted beside it) must all be there, else nothing is applied; the
//   cluster's exposure, storage classes and user-namespace support shape the objects.
// - deploying: follow the pods until every one runs and is ready → running (or record why not); the
//   pods, events and endpoints read go to lease_status for every app process's lease page.
// - a spec update (LeaseSpecUpdated, indexed into leases.spec_hash): apply the new spec over the running
//   workload (the Deployments roll out); a refused update leaves the running revision as it is.
// - a started lease (its start attested on chain): each read of its workload is recorded as up or down
//   (pods not ready, cluster unreachable) in lease_downtime, from which the deployer refunds downtime.
// - closed or out of time/escrow: capture its post-mortem, tear the namespace down → torn_down.
// - after a restart or a failover (first tick) an active workload that is gone is re-applied.
// Each deploy is claimed in lease_deploys before it is applied: a lease is deployed once, even by two
// processes that both believe they hold the controller's lock.
// One tick handles every lease; failures are recorded per lease and retried next tick.

export interface LeaseControllerDeps {
  db: Db;
  workload: LeaseWorkload;
  clientFor: (clusterId: string) => Promise<ClusterClient>;
  /** Whether a lease has run out on-chain (escrow or duration used up); default: endsAt passed. */
  isExhausted?: (lease: Lease) => Promise<boolean>;
  now?: () => Date;
  log?: (message: string) => void;
  /** The key of secrets at rest (default: the cluster settings' key, read when a manifest has secrets). */
  secretKey?: Uint8Array;
}

const WAITING_FOR_SECRETS = "waiting for the tenant's secret values";
const HEALTH_REFRESH_MS = 10_000;

export interface LeaseController {
  tick(): Promise<void>;
}

export function createLeaseController(deps: LeaseControllerDeps): LeaseController {
  const log = deps.log ?? ((m: string) => console.log(`[lease-controller] ${m}`));
  const now = deps.now ?? (() => new Date());
  let reconciled = false;
  /** The status last written to lease_status, per lease. */
  const saved = new Map<string, string>();
  /** The health last recorded per lease, and when: re-written at least every HEALTH_REFRESH_MS. */
  const recorded = new Map<string, { health: LeaseHealth; at: number }>();
  /** `<lease>:<spec hash>` of each spec update this process has seen fully up since it was applied. */
  const rolledOut = new Set<string>();

  /**
   * Records a started lease's health when it changed, or when the last record is old: another process
   * that held the controller meanwhile may have opened or closed an interval this one does not know of.
   */
  async function health(lease: Lease, attestedAt: Date | undefined, value: LeaseHealth) {
    if (!attestedAt) return;
    const at = now();
    const last = recorded.get(lease.id);
    if (last && last.health === value && at.getTime() - last.at < HEALTH_REFRESH_MS) return;
    await recordLeaseHealth({ db: deps.db, leaseId: lease.id, health: value, at });
    recorded.set(lease.id, { health: value, at: at.getTime() });
  }

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

  /**
   * The spec the lease runs now (leases.spec_hash, the order's until a spec update) with its manifest,
   * re-hashed, and what the lease bought (its order's manifest totals); or why it cannot be deployed.
   */
  async function loadSpec(
    lease: Lease,
  ): Promise<
    { specHash: string; manifest: Manifest; bought: LeaseCapacity } | { wait: string } | { refuse: string }
  > {
    const [order] = await deps.db.select().from(orders).where(eq(orders.id, lease.orderId));
    if (!order) return { wait: "" }; // the indexer writes the order first; wait for it
    const specHash = (lease.specHash ?? order.specHash).toLowerCase();
    const rows = await deps.db
      .select()
      .from(manifests)
      .where(inArray(manifests.specHash, [specHash, order.specHash.toLowerCase()]));
    const stored = rows.find((r) => r.specHash === specHash);
    const ordered = rows.find((r) => r.specHash === order.specHash.toLowerCase());
    if (!stored || !ordered) return { wait: "waiting for the tenant's manifest" };
    let canonical: ReturnType<typeof canonicalizeManifest>;
    let bought: ReturnType<typeof canonicalizeManifest>;
    try {
      canonical = canonicalizeManifest(stored.body);
      bought = canonicalizeManifest(ordered.body);
    } catch {
      return { refuse: "the stored manifest is not valid; refusing to deploy" };
    }
    if (canonical.specHash.toLowerCase() !== specHash) {
      log(`lease ${lease.id}: manifest hash ${canonical.specHash} != spec hash ${specHash}, refused`);
      return { refuse: "manifest hash does not match the lease's spec hash; refusing to deploy" };
    }
    return { specHash, manifest: canonical.manifest, bought: manifestTotals(bought.manifest) };
  }

  /**
   * Applies the lease's current spec: its first deploy (pending), or a spec update's rollout of a lease
   * already deployed (`rollout`), which keeps its state (the old workload runs on) when refused.
   */
  async function deploy(lease: Lease, rollout = false): Promise<void> {
    const fail = async (deployError: string) => {
      if (!rollout) return setState(lease.id, { deployState: "failed", deployError });
      const message = `revision ${lease.specRevision} not rolled out: ${deployError}`.slice(0, 500);
      if (lease.deployError !== message) await setState(lease.id, { deployError: message });
    };
    const spec = await loadSpec(lease);
    if ("wait" in spec) {
      if (spec.wait && lease.deployError !== spec.wait) await setState(lease.id, { deployError: spec.wait });
      return;
    }
    if ("refuse" in spec) return fail(spec.refuse);
    const secretValues = await secretValuesOf(spec.specHash, spec.manifest);
    if (!secretValues) {
      if (lease.deployError !== WAITING_FOR_SECRETS)
        await setState(lease.id, { deployError: WAITING_FOR_SECRETS });
      return;
    }
    const clusterId = lease.clusterId ?? (await pickCluster(lease));
    if (!clusterId) {
      await setState(lease.id, { deployError: "the provider has no cluster online" });
      return;
    }
    const input = await workloadInput(lease, clusterId, spec, secretValues);
    try {
      // What the cluster does not offer (an HTTP port without an IngressClass, a StorageClass it lacks)
      // does not come with the next tick either: the lease fails instead of retrying forever (an
      // update's rollout is refused instead; the running revision stays).
      buildLeaseObjects(input);
    } catch (error) {
      if (!isAppError(error)) throw error;
      return fail(error.message.slice(0, 500));
    }
    // Claimed in the database first: a process that believes it runs the controller too (split
    // brain) finds the deploy taken and leaves it alone.
    const key = { db: deps.db, leaseId: lease.id, specHash: spec.specHash };
    const claim = await claimLeaseDeploy({ ...key, clusterId });
    if (claim.state === "taken") return;
    if (claim.state === "applied") {
      // Applied by a process that stopped before recording it: record it, do not apply again.
      await setState(lease.id, {
        deployState: "deploying",
        deployError: null,
        namespace: leaseNamespace(lease.id),
        clusterId: claim.clusterId,
      });
      return;
    }
    let namespace: string;
    try {
      namespace = await applyWorkload(clusterId, input);
    } catch (error) {
      await releaseLeaseDeploy(key);
      throw error;
    }
    await markLeaseDeployApplied(key);
    await setState(lease.id, { deployState: "deploying", deployError: null, namespace, clusterId });
    log(`lease ${lease.id}: revision ${lease.specRevision} applied to cluster ${clusterId} (${namespace})`);
  }

  /** Every secret of the manifest by name, or null while any value is missing. */
  async function secretValuesOf(
    specHash: string,
    manifest: Manifest,
  ): Promise<Record<string, string> | null> {
    const { secrets } = manifestServices(manifest);
    if (secrets.length === 0) return {};
    const values = await loadSecretValues(deps.db, specHash, deps.secretKey);
    return secrets.every((s) => s.name in values) ? values : null;
  }

  /** What a lease build takes, from the lease, its spec and secrets, and the cluster's offer. */
  async function workloadInput(
    lease: Lease,
    clusterId: string,
    spec: { specHash: string; manifest: Manifest; bought: LeaseCapacity },
    secretValues: Record<string, string>,
  ): Promise<Omit<LeaseWorkloadInput, "nodeLocalDns">> {
    const [cluster] = await deps.db
      .select({
        exposure: clusters.exposure,
        storageClasses: clusters.storageClasses,
        userNamespaces: clusters.userNamespaces,
      })
      .from(clusters)
      .where(eq(clusters.id, clusterId));
    if (!cluster) throw new Error(`cluster ${clusterId} is gone`);
    return {
      leaseId: lease.id,
      tenant: lease.tenant,
      specHash: spec.specHash,
      manifest: spec.manifest,
      bought: spec.bought,
      // jsonb is only as good as what wrote it: read back through the schemas the wizard wrote with.
      exposure: clusterExposureSchema.nullable().parse(cluster.exposure),
      storageClasses: z
        .array(storageClassOfferSchema)
        .parse(cluster.storageClasses)
        .map((c) => c.name),
      userNamespaces: cluster.userNamespaces,
      secretValues,
    };
  }

  async function applyWorkload(clusterId: string, input: Omit<LeaseWorkloadInput, "nodeLocalDns">) {
    const client = await deps.clientFor(clusterId);
    const { namespace } = await deps.workload.apply(client, input);
    return namespace;
  }

  /**
   * After a restart or a failover: re-apply a deployed lease whose workload is gone (no pods, no
   * services), e.g. deleted while no controller ran. A workload that is there is left alone, so a
   * new lock holder does not deploy every lease a second time.
   */
  async function repair(lease: Lease): Promise<void> {
    if (!lease.clusterId) return;
    const client = await deps.clientFor(lease.clusterId);
    const status = await deps.workload.status(client, { leaseId: lease.id });
    if (status.pods.length > 0 || status.endpoints.length > 0) return;
    const spec = await loadSpec(lease);
    if (!("specHash" in spec)) return;
    const secretValues = await secretValuesOf(spec.specHash, spec.manifest);
    if (!secretValues) return;
    await applyWorkload(lease.clusterId, await workloadInput(lease, lease.clusterId, spec, secretValues));
    log(`lease ${lease.id}: workload was gone, re-applied to cluster ${lease.clusterId}`);
  }

  async function follow(
    lease: Lease,
    attestedAt: Date | undefined,
    updateAppliedAt: Date | undefined,
  ): Promise<void> {
    if (!lease.clusterId) return setState(lease.id, { deployState: "pending" });
    let status: Awaited<ReturnType<LeaseWorkload["status"]>>;
    try {
      const client = await deps.clientFor(lease.clusterId);
      status = await deps.workload.status(client, { leaseId: lease.id });
    } catch (error) {
      await health(lease, attestedAt, "cluster-unreachable");
      throw error;
    }
    const update = `${lease.id}:${lease.specHash?.toLowerCase()}`;
    if (updateAppliedAt && workloadHealth(status) === "up") rolledOut.add(update);
    await health(
      lease,
      attestedAt,
      providerHealth({
        status,
        specRevision: lease.specRevision,
        specHash: lease.specHash,
        updateAppliedAt,
        rolledOut: rolledOut.has(update),
        now: now(),
      }),
    );
    // Shared with every app process's live lease page; written only when it changed.
    const json = JSON.stringify(status);
    if (saved.get(lease.id) !== json) {
      await saveLeaseStatus({ db: deps.db, leaseId: lease.id, status, at: now() });
      saved.set(lease.id, json);
    }
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
    // First the post-mortem: what the workload left, kept before its namespace is deleted.
    await capturePostMortem({ db: deps.db, lease, clientFor: deps.clientFor, now: now() });
    if (lease.clusterId) {
      const client = await deps.clientFor(lease.clusterId);
      await deps.workload.teardown(client, { leaseId: lease.id });
    }
    await setState(lease.id, { deployState: "torn_down", deployError: null });
    await deleteLeaseStatus({ db: deps.db, leaseId: lease.id });
    // Counting stops at the close (the chain's, when the indexer has it; else now).
    const closedAt = lease.closedAt && lease.closedAt < now() ? lease.closedAt : now();
    await closeLeaseDowntime({ db: deps.db, leaseId: lease.id, at: closedAt });
    saved.delete(lease.id);
    recorded.delete(lease.id);
    for (const key of rolledOut) if (key.startsWith(`${lease.id}:`)) rolledOut.delete(key);
    log(`lease ${lease.id}: torn down`);
  }

  /** When each spec was applied, by `<lease>:<spec hash>`, among these leases. */
  async function appliedSpecs(ids: string[]): Promise<Map<string, Date>> {
    if (ids.length === 0) return new Map();
    const rows = await deps.db
      .select({ leaseId: leaseDeploys.leaseId, specHash: leaseDeploys.specHash, at: leaseDeploys.appliedAt })
      .from(leaseDeploys)
      .where(and(inArray(leaseDeploys.leaseId, ids), isNotNull(leaseDeploys.appliedAt)));
    return new Map(rows.map((r) => [`${r.leaseId}:${r.specHash}`, r.at as Date]));
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
      const applied = await appliedSpecs(open.filter((l) => l.specRevision > 0).map((l) => l.id));
      const attested = await readAttestedStarts(
        deps.db,
        open.filter((l) => l.status === "active").map((l) => l.id),
      );
      const firstTick = !reconciled;
      await Promise.all(
        open.map(async (lease) => {
          if (lease.status === "closed") return guarded(lease, "teardown", () => teardown(lease));
          if (lease.deployState !== "failed" && (await exhausted(lease).catch(() => false)))
            return guarded(lease, "teardown", () => teardown(lease));
          if (lease.deployState === "pending") return guarded(lease, "deploy", () => deploy(lease));
          if (firstTick && (lease.deployState === "running" || lease.deployState === "deploying"))
            await guarded(lease, "reconcile", () => repair(lease));
          if (lease.deployState === "deploying" || lease.deployState === "running") {
            // A spec update not applied yet: roll it out, then follow as usual.
            const spec = `${lease.id}:${lease.specHash?.toLowerCase()}`;
            let appliedAt = applied.get(spec);
            if (lease.specRevision > 0 && !appliedAt) {
              await guarded(lease, "update", () => deploy(lease, true));
              // Rolled out just now: its first status read already falls within the tenant's rollout.
              appliedAt = (await appliedSpecs([lease.id]).catch(() => new Map<string, Date>())).get(spec);
            }
            return guarded(lease, "status", () => follow(lease, attested.get(lease.id), appliedAt));
          }
        }),
      );
      reconciled = true;
    },
  };
}
