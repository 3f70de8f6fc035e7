// Cluster add-ons that live in kube-system as DaemonSets, so a client can detect them as it would on
// a real cluster: the CNI plugin (which decides whether NetworkPolicy is enforced) and NodeLocal
// DNSCache (its link-local listen address is in the container args, as in the upstream manifest
// kubernetes/cluster/addons/dns/nodelocaldns/nodelocaldns.yaml). The simulator does not run them:
// objects only, with a status saying every node runs one.
import { R } from "./resources";
import type { SimClusterSpec } from "./simulator";
import type { Store } from "./store";
import type { Obj } from "./util";

export type SimCni = "calico" | "cilium" | "antrea" | "kube-router" | "flannel" | "none";

// Names, labels and images as the projects' own install manifests have them.
const CNI_DAEMONSETS: Record<
  Exclude<SimCni, "none">,
  { name: string; label: Record<string, string>; image: string }[]
> = {
  calico: [
    { name: "calico-node", label: { "k8s-app": "calico-node" }, image: "docker.io/calico/node:v3.28.2" },
  ],
  cilium: [{ name: "cilium", label: { "k8s-app": "cilium" }, image: "quay.io/cilium/cilium:v1.16.3" }],
  antrea: [
    {
      name: "antrea-agent",
      label: { app: "antrea", component: "antrea-agent" },
      image: "antrea/antrea-agent-ubuntu:v2.2.0",
    },
  ],
  "kube-router": [
    {
      name: "kube-router",
      label: { "k8s-app": "kube-router" },
      image: "docker.io/cloudnativelabs/kube-router:v2.2.1",
    },
  ],
  flannel: [
    {
      name: "kube-flannel-ds",
      label: { app: "flannel", "k8s-app": "flannel" },
      image: "docker.io/flannel/flannel:v0.25.7",
    },
  ],
};

function daemonSet(
  name: string,
  labels: Record<string, string>,
  image: string,
  nodes: number,
  args?: string[],
): Obj {
  return {
    metadata: { name, namespace: "kube-system", labels, generation: 1 },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          hostNetwork: true,
          priorityClassName: "system-node-critical",
          containers: [{ name: name.replace(/-ds$/, ""), image, ...(args ? { args } : {}) }],
        },
      },
      updateStrategy: { type: "RollingUpdate" },
    },
    status: {
      currentNumberScheduled: nodes,
      desiredNumberScheduled: nodes,
      numberAvailable: nodes,
      numberMisscheduled: 0,
      numberReady: nodes,
      observedGeneration: 1,
      updatedNumberScheduled: nodes,
    },
  };
}

/** Creates the add-on DaemonSets the cluster spec names (once; kept across restarts). */
export function ensureNetworkAddons(store: Store, spec: SimClusterSpec): void {
  const nodes = spec.nodes.length;
  const put = (o: Obj) => {
    if (!store.get(R.ds, "kube-system", o.metadata.name)) store.insert(R.ds, o);
  };
  const cni = spec.cni ?? "none";
  if (cni !== "none") for (const d of CNI_DAEMONSETS[cni]) put(daemonSet(d.name, d.label, d.image, nodes));
  if (spec.nodeLocalDns)
    put(
      daemonSet(
        "node-local-dns",
        { "k8s-app": "node-local-dns" },
        "registry.k8s.io/dns/k8s-dns-node-cache:1.23.1",
        nodes,
        [
          "-localip",
          `${spec.nodeLocalDns},10.96.0.10`,
          "-conf",
          "/etc/Corefile",
          "-upstreamsvc",
          "kube-dns-upstream",
        ],
      ),
    );
}
