import "server-only";
import { eq } from "drizzle-orm";
import type { Address } from "viem";
import type { Db } from "@/db/client";
import { clusters, inventorySnapshots, providerDrafts, providers } from "@/db/schema";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import { getPublicClient } from "@/lib/chain/public-client";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { getClusterSettings } from "@/lib/k8s/cluster-settings";
import { decryptKubeconfig } from "@/lib/k8s/kubeconfig-crypto";
import { getDraft } from "./onboarding-draft";
import { probeAccepted, probeFacts } from "./probe-facts";
import { type ResolveHost, resolveClusterIdentity } from "./resolve-cluster-identity";
import { assertClusterNotListed, isDuplicateClusterError } from "./submit-kubeconfig";

// The wizard's last step, after the registration transaction is confirmed: the provider's profile
// and bid settings, the cluster (its kubeconfig, encrypted since the cluster step, its exposure and
// storage offers as step 6 verified them) and a first
// inventory snapshot from the verification are written in one transaction, and the draft deleted.
// Either all of it is stored or nothing is. The cluster's identity (resolved API server address and
// CA fingerprints) is taken now, at onboarding, and the same cluster cannot be listed twice.

export async function isRegisteredOnChain(address: Address): Promise<boolean> {
  const market = getConfig().MARKET_ADDRESS as Address | undefined;
  if (!market) throw new AppError("SERVICE_UNAVAILABLE", "The market contract is not configured.");
  const p = await getPublicClient()
    .readContract({ address: market, abi: computeMarketAbi, functionName: "getProvider", args: [address] })
    .catch(() => {
      throw new AppError("UPSTREAM_UNAVAILABLE", "The chain cannot be reached right now. Please try again.");
    });
  return p.registered;
}

export async function completeOnboarding(opts: {
  db: Db;
  address: Address;
  registered: (address: Address) => Promise<boolean>;
  resolve?: ResolveHost;
}): Promise<{ clusterId: string }> {
  const address = opts.address.toLowerCase();
  const { data } = await getDraft({ db: opts.db, address });
  if (!data.profile) throw new AppError("UNPROCESSABLE", "The provider profile is missing (step 2).");
  if (!data.kubeconfigEnc || !data.server)
    throw new AppError("UNPROCESSABLE", "No cluster was added (step 3).");
  if (!data.probe || !probeAccepted(data.probe, data.probe.riskAccepted === true))
    throw new AppError("UNPROCESSABLE", "The cluster has not passed verification (step 4).");
  if (!data.exposure) throw new AppError("UNPROCESSABLE", "Exposure and storage are not set (step 6).");
  if (!data.settings) throw new AppError("UNPROCESSABLE", "Pricing is not set (step 7).");
  if (!(await opts.registered(opts.address)))
    throw new AppError("UNPROCESSABLE", "The provider is not registered on-chain yet (step 8).");

  const { profile, settings, probe, exposure } = data;
  const inventory = probe.inventory;
  const kubeconfigEnc = data.kubeconfigEnc;
  const server = data.server;
  const { key } = getClusterSettings();
  const identity = await resolveClusterIdentity(decryptKubeconfig(kubeconfigEnc, key), {
    resolve: opts.resolve,
  });
  const store = opts.db.transaction(async (tx) => {
    await assertClusterNotListed({ db: tx, address, server, identity, key, resolve: opts.resolve });
    const values = {
      name: profile.name,
      website: profile.website || null,
      contact: profile.contact,
      region: profile.region,
      pricing: settings.pricing,
      bidStrategy: settings.bidStrategy,
      undercutStep: settings.undercutStep,
      autoBid: settings.autoBid,
      updatedAt: new Date(),
    };
    await tx
      .insert(providers)
      .values({ address, ...values })
      .onConflictDoUpdate({ target: providers.address, set: values });
    const [cluster] = await tx
      .insert(clusters)
      .values({
        providerAddress: address,
        name: data.clusterName ?? "cluster",
        kubeconfigEnc,
        server,
        apiAddress: identity.apiAddress,
        caFingerprint: identity.caFingerprint,
        status: "up",
        lastSeenAt: new Date(probe.at),
        version: probe.version,
        metricsApi: probe.metricsApi,
        region: inventory?.region ?? profile.region,
        offerPercent: data.offerPercent ?? 100,
        ...probeFacts(probe),
        exposure: exposure.exposure,
        storageClasses: exposure.storageClasses,
        riskAccepted: probe.riskAccepted === true && !probe.ok,
      })
      .returning({ id: clusters.id });
    if (!cluster) throw new AppError("INTERNAL", "The cluster could not be stored.");
    if (inventory)
      await tx.insert(inventorySnapshots).values({
        clusterId: cluster.id,
        takenAt: new Date(probe.at),
        region: inventory.region,
        allocatable: inventory.allocatable,
        free: inventory.free,
        nodes: inventory.nodes,
      });
    await tx.delete(providerDrafts).where(eq(providerDrafts.address, address));
    return { clusterId: cluster.id };
  });
  return store.catch((error: unknown) => {
    if (isDuplicateClusterError(error)) throw new AppError("CONFLICT", "This cluster is already listed.");
    throw error;
  });
}
