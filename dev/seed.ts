import path from "node:path";
import { eq } from "drizzle-orm";
import { createPublicClient, createWalletClient, http, parseUnits } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { openDb } from "@/db/client";
import { clusters, providers } from "@/db/schema";
import { devRoles } from "@/lib/chain/dev-accounts";
import { computeMarketAbi, mockStablecoinAbi } from "@/lib/chain/generated/contracts";
import { toBytes32Text } from "@/lib/chain/order-types";
import { createClusterClient } from "@/lib/k8s/cluster-client";
import type { ClusterExposure, StorageClassOffer } from "@/lib/k8s/cluster-exposure";
import { decryptKubeconfig, encryptKubeconfig, kubeconfigKeyFromHex } from "@/lib/k8s/kubeconfig-crypto";
import { runProbe } from "@/lib/k8s/probe-cluster";
import { validateKubeconfig } from "@/lib/k8s/validate-kubeconfig";
import type { ProviderPricing } from "@/lib/market/price-order";
import { probeFacts } from "@/lib/provider/probe-facts";
import { defaultClusters } from "./k8s-sim/default-clusters";
import type { SimClusterSpec, Simulator } from "./k8s-sim/simulator";
import type { StackInfo } from "./stack";

// Demo data for the local stack, idempotent: one provider per simulated cluster (anvil accounts
// 2..4), registered on-chain with the bid engine as operator and auto-bid on; test tokens for the
// demo tenants and the e2e wallets. A second start finds everything in place and adds nothing.

export interface DemoProfile {
  name: string;
  website: string;
  pricing: ProviderPricing;
  /** How its cluster offers TCP/UDP ports (HTTP goes through the simulator's ingress on every cluster). */
  ports: ClusterExposure["ports"];
  /** The simulator's StorageClasses it sells (each simulated cluster has `standard` and `fast-ssd`). */
  storageClasses: StorageClassOffer[];
}

// The three differ on purpose, so the market shows refusals: Buckeye offers no TCP/UDP ports, Lion
// City no fast-ssd.
export const demoProfiles: DemoProfile[] = [
  {
    name: "Rhein Compute",
    website: "https://rhein-compute.example",
    pricing: { cpuCoreHour: "18000", memoryGibHour: "4000", storageGibHour: "150", gpuHour: {} },
    ports: "nodeport",
    storageClasses: [
      { name: "standard", pricePerGiBHour: "150" },
      { name: "fast-ssd", pricePerGiBHour: "600" },
    ],
  },
  {
    name: "Buckeye Cloud",
    website: "https://buckeye.example",
    pricing: { cpuCoreHour: "12000", memoryGibHour: "3000", storageGibHour: "100", gpuHour: {} },
    ports: "none",
    storageClasses: [
      { name: "standard", pricePerGiBHour: "100" },
      { name: "fast-ssd", pricePerGiBHour: "400" },
    ],
  },
  {
    name: "Lion City Metal",
    website: "https://lioncity.example",
    pricing: { cpuCoreHour: "15000", memoryGibHour: "3500", storageGibHour: "120", gpuHour: {} },
    ports: "nodeport",
    storageClasses: [{ name: "standard", pricePerGiBHour: "120" }],
  },
];

/**
 * What a demo provider declares for its simulated cluster: HTTP through the simulator's ingress
 * controller (IngressClass `nginx` in `ingress-nginx`) on `apps.<cluster>.localhost`, no TLS, its
 * profile's TCP/UDP ports and StorageClasses.
 */
export function demoClusterOffers(
  profile: DemoProfile,
  clusterName: string,
  ingress?: { baseDomain?: string; port?: number },
): { exposure: ClusterExposure; storageClasses: StorageClassOffer[] } {
  return {
    exposure: {
      ingressClass: "nginx",
      ingressNamespace: "ingress-nginx",
      baseDomain: ingress?.baseDomain ?? `apps.${clusterName}.localhost`,
      tls: null,
      ports: profile.ports,
      // The simulator's ingress listens on one local port for every cluster (not 80).
      ...(ingress?.port ? { publicPort: ingress.port } : {}),
    },
    storageClasses: profile.storageClasses,
  };
}

function gpuModelsOf(spec: SimClusterSpec): string[] {
  return [...new Set(spec.nodes.flatMap((n) => (n.gpus && n.gpuProduct ? [n.gpuProduct] : [])))];
}

/** A demo provider's pricing: its profile's rates plus an hourly rate for each GPU model of its cluster. */
export function demoPricing(base: ProviderPricing, spec: SimClusterSpec): ProviderPricing {
  return {
    ...base,
    gpuHour: Object.fromEntries(gpuModelsOf(spec).map((m) => [m, m.includes("A100") ? "1100000" : "380000"])),
  };
}

const TENANT_FUNDS = parseUnits("100000", 6);

export async function seedDemo(opts: {
  info: Omit<StackInfo, "url" | "simControlUrl">;
  sim: Simulator;
  /** KubeBid's token per cluster, from the generated RBAC (provision-kubebid-access.ts). */
  kubebidTokens: Map<string, string>;
  databaseUrl?: string;
}): Promise<string> {
  const { info, sim } = opts;
  const handle = await openDb({
    url: opts.databaseUrl || undefined,
    dataDir: opts.databaseUrl ? undefined : path.join(info.dataDir, "pglite"),
  });
  const transport = http(info.rpcUrl);
  const publicClient = createPublicClient({ transport });
  const key = kubeconfigKeyFromHex(info.encryptionKey);
  let added = 0;
  try {
    for (const [i, cluster] of sim.clusters.entries()) {
      const provider = devRoles.providers[i];
      const profile = demoProfiles[i];
      const spec = defaultClusters.find((c) => c.name === cluster.name);
      if (!provider || !profile || !spec) continue;
      const address = provider.address.toLowerCase();
      const gpuModels = gpuModelsOf(spec);
      const pricing = demoPricing(profile.pricing, spec);

      // On-chain: registered, with the bid engine as operator.
      const onChain = await publicClient.readContract({
        address: info.marketAddress,
        abi: computeMarketAbi,
        functionName: "getProvider",
        args: [provider.address],
      });
      if (!onChain.registered) {
        const wallet = createWalletClient({ account: privateKeyToAccount(provider.privateKey), transport });
        const hash = await wallet.writeContract({
          chain: null,
          address: info.marketAddress,
          abi: computeMarketAbi,
          functionName: "registerProvider",
          args: [
            devRoles.bidEngineOperator.address,
            spec.region ? toBytes32Text(spec.region) : toBytes32Text(""),
            gpuModels.map((m) => toBytes32Text(m)),
            [],
          ],
        });
        await publicClient.waitForTransactionReceipt({ hash });
        added++;
      }

      // Off-chain: profile, pricing, the cluster with its encrypted kubeconfig.
      await handle.db
        .insert(providers)
        .values({
          address,
          name: profile.name,
          website: profile.website,
          contact: `ops@${new URL(profile.website).hostname}`,
          region: spec.region ?? null,
          pricing,
          bidStrategy: "undercut",
          undercutStep: "1000",
          autoBid: true,
        })
        .onConflictDoNothing();
      // The cluster, with KubeBid's least-privilege token (never the admin's), and what the probe
      // finds about it (least privilege, network isolation) for the market.
      const token = opts.kubebidTokens.get(cluster.name);
      if (!token) throw new Error(`no KubeBid token for ${cluster.name}`);
      const [existing] = await handle.db
        .select({ id: clusters.id, kubeconfigEnc: clusters.kubeconfigEnc })
        .from(clusters)
        .where(eq(clusters.server, cluster.server));
      const current = existing ? decryptKubeconfig(existing.kubeconfigEnc, key) : undefined;
      if (!current || !("token" in current.auth) || current.auth.token !== token) {
        const validated = validateKubeconfig(cluster.kubeconfig({ token, user: "kubebid" }), {
          allowPrivate: true,
        });
        const client = createClusterClient(validated, { allowPrivate: true });
        const probe = await runProbe(client).finally(() => client.close());
        if (!probe.ok)
          throw new Error(
            `seed: ${cluster.name} fails its checks: ${probe.checks
              .filter((c) => c.status === "fail")
              .map((c) => c.id)
              .join(", ")}`,
          );
        const values = {
          kubeconfigEnc: encryptKubeconfig(validated, key),
          ...probeFacts(probe),
          // The simulator's ingress controller and storage classes, declared as the wizard's step 6 would.
          ...demoClusterOffers(profile, cluster.name, {
            baseDomain: info.ingressDomains[cluster.name],
            port: info.ingressPort,
          }),
          metricsApi: probe.metricsApi,
          version: probe.version,
        };
        if (existing) await handle.db.update(clusters).set(values).where(eq(clusters.id, existing.id));
        else
          await handle.db.insert(clusters).values({
            providerAddress: address,
            name: cluster.name,
            server: validated.server,
            region: spec.region ?? null,
            ...values,
          });
        added++;
      }
    }

    // Test tokens for the demo tenants and the e2e wallets.
    const deployer = createWalletClient({
      account: privateKeyToAccount(devRoles.deployer.privateKey),
      transport,
    });
    for (const account of [...devRoles.tenants, ...devRoles.e2e]) {
      const balance = await publicClient.readContract({
        address: info.tokenAddress,
        abi: mockStablecoinAbi,
        functionName: "balanceOf",
        args: [account.address],
      });
      if (balance >= TENANT_FUNDS / 2n) continue;
      const hash = await deployer.writeContract({
        chain: null,
        address: info.tokenAddress,
        abi: mockStablecoinAbi,
        functionName: "mint",
        args: [account.address, TENANT_FUNDS],
      });
      await publicClient.waitForTransactionReceipt({ hash });
      added++;
    }
  } finally {
    await handle.close();
  }
  return added === 0 ? "demo data already in place" : `${added} demo records written`;
}
