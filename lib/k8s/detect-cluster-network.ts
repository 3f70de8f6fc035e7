import "server-only";
import { isIP } from "node:net";
import type { ClusterClient } from "./cluster-client";

// What a cluster's network add-ons promise a lease, read from the DaemonSets in kube-system (the one
// list KubeBid may make there):
// - whether NetworkPolicy is enforced: Calico (also as Canal), Cilium, Antrea and kube-router enforce
//   it; flannel alone does not, and nothing found means "not verified" (the CNI may live elsewhere,
//   e.g. Calico's operator installs into calico-system, which KubeBid may not read);
// - NodeLocal DNSCache and its link-local address (upstream default 169.254.20.10), so a lease's
//   egress NetworkPolicy can allow DNS to it: the address is in 169.254.0.0/16, which lease egress
//   otherwise denies (cloud metadata lives there).
// The answer comes from the provider's cluster: names and labels only select a known add-on, and the
// DNS address is accepted only inside 169.254.0.0/16.

export interface ClusterNetwork {
  /** The NetworkPolicy-enforcing CNI found, or null. */
  cni: "calico" | "cilium" | "antrea" | "kube-router" | null;
  /** A non-enforcing CNI found alone (flannel). */
  otherCni: string | null;
  enforcesNetworkPolicy: boolean;
  /** NodeLocal DNSCache's listen address, or null. */
  nodeLocalDns: string | null;
}

interface DaemonSetLite {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: {
    template?: { spec?: { containers?: Array<{ args?: string[]; command?: string[]; image?: string }> } };
  };
}

const ENFORCING: Array<{
  cni: NonNullable<ClusterNetwork["cni"]>;
  names: string[];
  labels: Array<[string, string]>;
}> = [
  {
    cni: "calico",
    names: ["calico-node", "canal"],
    labels: [
      ["k8s-app", "calico-node"],
      ["k8s-app", "canal"],
    ],
  },
  { cni: "cilium", names: ["cilium"], labels: [["k8s-app", "cilium"]] },
  { cni: "antrea", names: ["antrea-agent"], labels: [["component", "antrea-agent"]] },
  { cni: "kube-router", names: ["kube-router"], labels: [["k8s-app", "kube-router"]] },
];

const isLinkLocalV4 = (ip: string) => isIP(ip) === 4 && ip.startsWith("169.254.");

function nodeLocalAddress(ds: DaemonSetLite): string | null {
  for (const c of ds.spec?.template?.spec?.containers ?? []) {
    const args = [...(c.command ?? []), ...(c.args ?? [])];
    for (const [i, a] of args.entries()) {
      const value = a === "-localip" || a === "--localip" ? args[i + 1] : /^--?localip=(.*)$/.exec(a)?.[1];
      const first = value?.split(",")[0]?.trim();
      if (first && isLinkLocalV4(first)) return first;
    }
  }
  return null;
}

export function classifyDaemonSets(items: DaemonSetLite[]): ClusterNetwork {
  const out: ClusterNetwork = { cni: null, otherCni: null, enforcesNetworkPolicy: false, nodeLocalDns: null };
  for (const ds of items) {
    const name = ds.metadata?.name ?? "";
    const labels = ds.metadata?.labels ?? {};
    const found = ENFORCING.find((e) => e.names.includes(name) || e.labels.some(([k, v]) => labels[k] === v));
    if (found && !out.cni) out.cni = found.cni;
    if (!found && (/flannel/.test(name) || labels.app === "flannel")) out.otherCni = "flannel";
    if (name === "node-local-dns" || labels["k8s-app"] === "node-local-dns")
      out.nodeLocalDns ??= nodeLocalAddress(ds);
  }
  out.enforcesNetworkPolicy = out.cni !== null;
  return out;
}

export async function detectClusterNetwork(client: ClusterClient): Promise<ClusterNetwork> {
  const list = await client.requestJson<{ items?: DaemonSetLite[] }>(
    "/apis/apps/v1/namespaces/kube-system/daemonsets",
  );
  return classifyDaemonSets(list.items ?? []);
}

const cache = new WeakMap<ClusterClient, { at: number; network: ClusterNetwork | null }>();
const CACHE_MS = 5 * 60_000;

/**
 * The NodeLocal DNS address for a lease's egress policy, re-read every few minutes per client; null
 * when there is none or KubeBid may not look (the lease then gets cluster DNS only).
 */
export async function nodeLocalDnsOf(client: ClusterClient): Promise<string | null> {
  const hit = cache.get(client);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.network?.nodeLocalDns ?? null;
  const network = await detectClusterNetwork(client).catch(() => null);
  cache.set(client, { at: Date.now(), network });
  return network?.nodeLocalDns ?? null;
}
