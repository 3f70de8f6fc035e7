import type { V1Node } from "@kubernetes/client-node";

// Whether a lease's pods can run in user namespaces (`hostUsers: false`). No API says so directly, so
// this reads what every node reports in status.nodeInfo and answers true only when all of them meet
// what the Kubernetes documentation requires; when unsure, false:
// - kubelet 1.33 or later: UserNamespacesSupport is beta and enabled by default from v1.33
//   (https://kubernetes.io/docs/tasks/configure-pod-container/user-namespaces/, "FEATURE STATE:
//   Kubernetes v1.33 [beta] (enabled by default)"); earlier betas (1.30–1.32) had it off by default,
//   and a feature gate set on the kubelet cannot be read through the API;
// - Linux with kernel 6.3 or later: the volumes a pod always has (service account token, Secrets) are
//   tmpfs, which supports idmap mounts from Linux 6.3
//   (https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/#before-you-begin);
// - a runtime with support: containerd 2.0 or later (1.7 is incompatible with the kubelet's
//   implementation since Kubernetes 1.27, same page) or CRI-O 1.25 or later.

export interface UserNamespaceSupport {
  supported: boolean;
  /** Why, for the probe's check: the first node that falls short, or what all of them run. */
  detail: string;
}

/** "v1.33.2", "6.8.0-1015-aws", "containerd://2.0.1" → [major, minor]; null when it does not parse. */
function majorMinor(version: string | undefined): [number, number] | null {
  const m = /^v?(\d+)\.(\d+)/.exec(version ?? "");
  return m ? [Number(m[1]), Number(m[2])] : null;
}

const atLeast = (v: [number, number] | null, major: number, minor: number) =>
  v !== null && (v[0] > major || (v[0] === major && v[1] >= minor));

function nodeShortfall(node: V1Node): string | null {
  const info = node.status?.nodeInfo;
  const name = node.metadata?.name ?? "a node";
  if (!info) return `${name} reports no node info`;
  if (info.operatingSystem !== "linux")
    return `${name} runs ${info.operatingSystem || "an unknown OS"}, not Linux`;
  if (!atLeast(majorMinor(info.kubeletVersion), 1, 33))
    return `${name}'s kubelet is ${info.kubeletVersion || "of unknown version"} (1.33 or later enables user namespaces by default)`;
  if (!atLeast(majorMinor(info.kernelVersion), 6, 3))
    return `${name}'s kernel is ${info.kernelVersion || "of unknown version"} (Linux 6.3 or later is needed for idmap mounts on tmpfs)`;
  const [runtime, version] = (info.containerRuntimeVersion ?? "").split("://");
  const rv = majorMinor(version);
  if (!((runtime === "containerd" && atLeast(rv, 2, 0)) || (runtime === "cri-o" && atLeast(rv, 1, 25))))
    return `${name} runs ${info.containerRuntimeVersion || "an unknown runtime"} (containerd 2.0 or CRI-O 1.25 or later is needed)`;
  return null;
}

export function detectUserNamespaces(nodes: V1Node[]): UserNamespaceSupport {
  if (nodes.length === 0) return { supported: false, detail: "No nodes to check." };
  for (const node of nodes) {
    const shortfall = nodeShortfall(node);
    if (shortfall) return { supported: false, detail: `Not available: ${shortfall}.` };
  }
  return {
    supported: true,
    detail: `All ${nodes.length} nodes run kubelet 1.33+, Linux 6.3+ and a runtime that supports them: lease pods run with hostUsers: false.`,
  };
}
