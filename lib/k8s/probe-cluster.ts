import "server-only";
import type { AppError } from "@/lib/errors";
import { formatBytes, formatCores } from "@/lib/market/format";
import type { ClusterClient } from "./cluster-client";
import { type ClusterErrorDetails, toClusterError } from "./cluster-error";
import { type ClusterNetwork, detectClusterNetwork } from "./detect-cluster-network";
import { detectDcgmExporter } from "./detect-gpu-metrics";
import { detectUserNamespaces } from "./detect-user-namespaces";
import {
  type IngressClassInfo,
  listIngressClasses,
  listStorageClasses,
  type StorageClassInfo,
} from "./list-cluster-classes";
import { checkConfinement, checkLeaseRights, EXCESS_CHECKS } from "./probe-least-privilege";
import { computeInventory, type Inventory } from "./read-inventory";
import { REQUIRED_PERMISSIONS, type RequiredPermission } from "./required-permissions";

// The onboarding checks of a cluster, yielded one by one as they complete so the wizard can show
// progress: connection and version, credentials, each cluster-wide and kube-system permission of
// REQUIRED_PERMISSIONS (one SelfSubjectAccessReview per verb), the lease-namespace rights (a trial
// lease namespace, see probe-least-privilege.ts), then what KubeBid must NOT be able to do (kind
// "excess": over-privileged credentials fail these), nodes, GPUs, region, user namespaces, network
// isolation (NetworkPolicy-enforcing CNI, NodeLocal DNSCache), GPU metrics (DCGM exporter), the IngressClasses and StorageClasses
// the provider can offer, and the metrics API. Every failed or warning check
// carries a hint saying how to fix it. The generator's return value sums it up.

export type ProbeStatus = "pass" | "fail" | "warn";

export interface ProbeCheck {
  id: string;
  label: string;
  status: ProbeStatus;
  detail: string;
  /** How to fix it; null when there is nothing to fix. */
  hint: string | null;
  /** "excess": a right KubeBid must not hold; the provider may accept the risk of failing these. */
  kind?: "excess";
}

export interface ProbeSummary {
  /** No check failed (warnings allowed). */
  ok: boolean;
  checks: ProbeCheck[];
  version: string | null;
  metricsApi: boolean;
  inventory: Inventory | null;
  /** Every "excess" check passed: the credentials hold no more than KubeBid needs. */
  leastPrivilege: boolean;
  /** Only "excess" checks failed: onboarding may go on if the provider accepts the risk. */
  onlyExcessFailed: boolean;
  /** What kube-system's DaemonSets say about network isolation; null when they could not be read. */
  network: ClusterNetwork | null;
  /** The cluster's IngressClasses and StorageClasses; null when they could not be listed. */
  ingressClasses: IngressClassInfo[] | null;
  storageClasses: StorageClassInfo[] | null;
  /** Every node can run pods with hostUsers: false (see detect-user-namespaces.ts); false when unsure. */
  userNamespaces: boolean;
  /** A DCGM exporter runs (GPU utilisation exposed, see detect-gpu-metrics.ts); false when not detected. */
  gpuMetrics: boolean;
}

const RBAC_HINT = "Apply the RBAC manifest KubeBid shows you and upload the kubeconfig its commands write.";

function errorCheck(id: string, label: string, e: AppError, hint: string): ProbeCheck {
  return { id, label, status: "fail", detail: e.message, hint };
}

async function checkPermission(client: ClusterClient, p: RequiredPermission): Promise<ProbeCheck> {
  const id = `perm:${p.id}`;
  const where = p.scope === "kube-system" ? " in kube-system" : "";
  const label = `${p.label} (${p.verbs.join(", ")} ${p.subresource ? `${p.resource}/${p.subresource}` : p.resource}${where})`;
  const names = p.resourceNames?.length ? p.resourceNames : [undefined];
  const results = await Promise.all(
    p.verbs.flatMap((verb) =>
      names.map(async (name) => {
        const review = await client.authorization.createSelfSubjectAccessReview({
          body: {
            apiVersion: "authorization.k8s.io/v1",
            kind: "SelfSubjectAccessReview",
            spec: {
              resourceAttributes: {
                group: p.group,
                resource: p.resource,
                subresource: p.subresource,
                verb,
                name,
                namespace: p.scope === "kube-system" ? "kube-system" : undefined,
              },
            },
          },
        });
        return { verb, allowed: review.status?.allowed === true };
      }),
    ),
  );
  const missing = [...new Set(results.filter((r) => !r.allowed).map((r) => r.verb))];
  if (missing.length === 0) return { id, label, status: "pass", detail: `Allowed ${p.why}.`, hint: null };
  const resource = `${p.group ? `${p.group}/` : ""}${p.subresource ? `${p.resource}/${p.subresource}` : p.resource}${names[0] ? ` (${names.join(", ")})` : ""}${where}`;
  return {
    id,
    label,
    status: p.optional ? "warn" : "fail",
    detail: `Missing: ${missing.join(", ")} on ${resource} (needed ${p.why}).`,
    hint: p.optional
      ? `Optional. Grant ${missing.join(", ")} on ${resource} for this feature. ${RBAC_HINT}`
      : `Grant ${missing.join(", ")} on ${resource} to KubeBid's service account. ${RBAC_HINT}`,
  };
}

export async function* probeCluster(client: ClusterClient): AsyncGenerator<ProbeCheck, ProbeSummary, void> {
  const checks: ProbeCheck[] = [];
  const summary: ProbeSummary = {
    ok: false,
    checks,
    version: null,
    metricsApi: false,
    inventory: null,
    leastPrivilege: false,
    onlyExcessFailed: false,
    network: null,
    ingressClasses: null,
    storageClasses: null,
    userNamespaces: false,
    gpuMetrics: false,
  };
  const emit = (c: ProbeCheck) => {
    checks.push(c);
    return c;
  };
  const done = () => {
    const failed = checks.filter((c) => c.status === "fail");
    summary.ok = failed.length === 0;
    summary.leastPrivilege = EXCESS_CHECKS.every((id) =>
      checks.some((c) => c.id === id && c.status === "pass"),
    );
    summary.onlyExcessFailed = failed.length > 0 && failed.every((c) => c.kind === "excess");
    return summary;
  };

  // 1. Connection and version. A 401 here still proves the server is there and TLS verified.
  let unauthorized = false;
  try {
    const v = await client.version.getCode();
    summary.version = v.gitVersion;
    yield emit({
      id: "connection",
      label: "API server reachable",
      status: "pass",
      detail: `Reached ${client.server} over verified TLS: Kubernetes ${v.gitVersion}.`,
      hint: null,
    });
  } catch (error) {
    const e = toClusterError(error, "read the server version");
    const reason = (e.details as ClusterErrorDetails | undefined)?.reason;
    if (reason === "unauthorized") {
      unauthorized = true;
      yield emit({
        id: "connection",
        label: "API server reachable",
        status: "pass",
        detail: `Reached ${client.server} over verified TLS.`,
        hint: null,
      });
    } else {
      yield emit(
        errorCheck(
          "connection",
          "API server reachable",
          e,
          reason === "tls"
            ? "Check that certificate-authority-data is your cluster's CA and the server name matches its certificate."
            : "Check the server address: it must be the public HTTPS address of your API server, reachable from the internet (firewall, security groups).",
        ),
      );
      return done();
    }
  }

  // 2. Credentials: any authenticated call; a SelfSubjectAccessReview is allowed to every user.
  if (!unauthorized) {
    try {
      await client.authorization.createSelfSubjectAccessReview({
        body: { spec: { resourceAttributes: { verb: "get", resource: "nodes" } } },
      });
    } catch (error) {
      const e = toClusterError(error, "authenticate");
      if ((e.details as ClusterErrorDetails | undefined)?.reason !== "unauthorized") {
        yield emit(errorCheck("credentials", "Credentials accepted", e, RBAC_HINT));
        return done();
      }
      unauthorized = true;
    }
  }
  if (unauthorized) {
    yield emit({
      id: "credentials",
      label: "Credentials accepted",
      status: "fail",
      detail: "The cluster rejected the token or client certificate (401 Unauthorized).",
      hint: `The token may be wrong, expired or from another cluster. ${RBAC_HINT}`,
    });
    return done();
  }
  yield emit({
    id: "credentials",
    label: "Credentials accepted",
    status: "pass",
    detail: "The cluster accepted KubeBid's credentials.",
    hint: null,
  });

  // 3. Permissions, checked concurrently, reported in list order: cluster-wide and kube-system rights
  // by SelfSubjectAccessReview; lease-namespace rights in a trial lease namespace.
  const direct = REQUIRED_PERMISSIONS.filter((p) => p.scope !== "lease");
  const pending = direct.map((p) =>
    checkPermission(client, p).catch((error) =>
      errorCheck(`perm:${p.id}`, p.label, toClusterError(error, "check permissions"), RBAC_HINT),
    ),
  );
  const allowed = new Map<string, boolean>();
  for (const [i, promise] of pending.entries()) {
    const check = await promise;
    allowed.set(direct[i]?.id ?? "", check.status === "pass");
    yield emit(check);
  }
  // 3b. In a trial lease namespace: the workload rights KubeBid binds itself, and whether the
  // admission policy stops it from weakening Pod Security there (a server-side dry run).
  const trial = await checkLeaseRights(client);
  for (const c of trial.checks) yield emit(c);
  // 3c. What KubeBid must not be able to do.
  for (const c of await checkConfinement(client, trial.namespaceCreated ? trial.namespace : null))
    yield emit(c);
  await trial.cleanup();

  // 4. Nodes, GPUs, region (needs nodes + pods read).
  if (allowed.get("nodes") && allowed.get("pods")) {
    try {
      const [nodes, pods] = await Promise.all([
        client.core.listNode({}),
        client.core.listPodForAllNamespaces({
          fieldSelector: "status.phase!=Succeeded,status.phase!=Failed",
        }),
      ]);
      const inv = computeInventory(nodes.items, pods.items);
      summary.inventory = inv;
      const offerable = inv.nodes.filter((n) => n.ready && n.schedulable);
      yield emit(
        offerable.length > 0
          ? {
              id: "nodes",
              label: "Nodes",
              status: "pass",
              detail: `${offerable.length} of ${inv.nodes.length} nodes ready and schedulable: ${formatCores(inv.free.cpuMillis)} and ${formatBytes(inv.free.memoryBytes)} free of ${formatCores(inv.allocatable.cpuMillis)} and ${formatBytes(inv.allocatable.memoryBytes)}.`,
              hint: null,
            }
          : {
              id: "nodes",
              label: "Nodes",
              status: "fail",
              detail: `None of the ${inv.nodes.length} nodes is ready and schedulable.`,
              hint: "Check `kubectl get nodes`: nodes must be Ready, not cordoned and without NoSchedule taints.",
            },
      );
      const gpuModels = Object.entries(inv.allocatable.gpus);
      yield emit({
        id: "gpus",
        label: "GPUs",
        status: "pass",
        detail:
          gpuModels.length > 0
            ? gpuModels.map(([model, n]) => `${n} × ${model}`).join(", ")
            : "No GPUs (nvidia.com/gpu) found: CPU-only offers.",
        hint: gpuModels.some(([m]) => m === "unknown")
          ? "Some GPU nodes have no nvidia.com/gpu.product label; install NVIDIA GPU feature discovery so tenants see the model."
          : null,
      });
      yield emit(
        inv.region
          ? { id: "region", label: "Region", status: "pass", detail: inv.region, hint: null }
          : {
              id: "region",
              label: "Region",
              status: "warn",
              detail: "No node has a topology.kubernetes.io/region label.",
              hint: "Label your nodes (kubectl label node <name> topology.kubernetes.io/region=<region>) or set the region by hand.",
            },
      );
      const gpuMetrics = detectDcgmExporter(pods.items);
      summary.gpuMetrics = gpuMetrics.found;
      // Informational: only GPU utilisation scaling depends on it.
      yield emit({
        id: "gpu-metrics",
        label: "GPU metrics (DCGM exporter)",
        status: "pass",
        detail: gpuMetrics.detail,
        hint: null,
      });
      const userNs = detectUserNamespaces(nodes.items);
      summary.userNamespaces = userNs.supported;
      // Informational, like NodeLocal DNS: leases run either way, with host users where unsupported.
      yield emit({
        id: "user-namespaces",
        label: "User namespaces",
        status: "pass",
        detail: userNs.detail,
        hint: null,
      });
    } catch (error) {
      yield emit(errorCheck("nodes", "Nodes", toClusterError(error, "list nodes and pods"), RBAC_HINT));
    }
  }

  // 5. Network isolation: a NetworkPolicy-enforcing CNI, and NodeLocal DNSCache for lease egress.
  try {
    const network = await detectClusterNetwork(client);
    summary.network = network;
    yield emit(
      network.enforcesNetworkPolicy
        ? {
            id: "network-policy",
            label: "Network isolation",
            status: "pass",
            detail: `NetworkPolicy is enforced (${network.cni} in kube-system): leases are isolated from each other and from private networks.`,
            hint: null,
          }
        : {
            id: "network-policy",
            label: "Network isolation",
            status: "warn",
            detail: network.otherCni
              ? `${network.otherCni} alone does not enforce NetworkPolicy: leases are not isolated from each other. The market shows "network isolation: not verified".`
              : `No NetworkPolicy-enforcing CNI (Calico, Cilium, Antrea, kube-router) found in kube-system. The market shows "network isolation: not verified".`,
            hint: "Run a CNI that enforces NetworkPolicy (e.g. Calico or Cilium), in kube-system so KubeBid can see it.",
          },
    );
    yield emit({
      id: "node-local-dns",
      label: "NodeLocal DNSCache",
      status: "pass",
      detail: network.nodeLocalDns
        ? `Found at ${network.nodeLocalDns}: lease egress allows DNS to it.`
        : "Not installed: leases use the cluster DNS service.",
      hint: null,
    });
  } catch (error) {
    yield emit({
      id: "network-policy",
      label: "Network isolation",
      status: "warn",
      detail: `Could not read kube-system's DaemonSets: ${toClusterError(error, "detect the CNI").message}`,
      hint: `Network isolation shows as "not verified". ${RBAC_HINT}`,
    });
  }

  // 6. What the provider can offer: IngressClasses (HTTP exposure) and StorageClasses (volumes).
  if (allowed.get("ingressclasses"))
    try {
      const classes = await listIngressClasses(client);
      summary.ingressClasses = classes;
      yield emit(
        classes.length > 0
          ? {
              id: "ingress-classes",
              label: "IngressClasses",
              status: "pass",
              detail: classes
                .map((c) => `${c.name} (${c.controller}${c.isDefault ? ", default" : ""})`)
                .join(", "),
              hint: null,
            }
          : {
              id: "ingress-classes",
              label: "IngressClasses",
              status: "warn",
              detail: "No IngressClass found: leases cannot be offered HTTP exposure.",
              hint: "Install an ingress controller (e.g. ingress-nginx) to offer tenants public HTTP(S) hosts.",
            },
      );
    } catch (error) {
      yield emit({
        id: "ingress-classes",
        label: "IngressClasses",
        status: "warn",
        detail: toClusterError(error, "list IngressClasses").message,
        hint: RBAC_HINT,
      });
    }
  if (allowed.get("storageclasses"))
    try {
      const classes = await listStorageClasses(client);
      summary.storageClasses = classes;
      yield emit(
        classes.length > 0
          ? {
              id: "storage-classes",
              label: "StorageClasses",
              status: "pass",
              detail: classes
                .map(
                  (c) =>
                    `${c.name} (${c.provisioner}${c.isDefault ? ", default" : ""}, ${c.volumeBindingMode}${c.allowVolumeExpansion ? ", expandable" : ""})`,
                )
                .join(", "),
              hint: null,
            }
          : {
              id: "storage-classes",
              label: "StorageClasses",
              status: "warn",
              detail: "No StorageClass found: leases cannot be offered persistent volumes.",
              hint: "Install a dynamic provisioner (e.g. local-path-provisioner or your cloud's CSI driver) to offer volumes.",
            },
      );
    } catch (error) {
      yield emit({
        id: "storage-classes",
        label: "StorageClasses",
        status: "warn",
        detail: toClusterError(error, "list StorageClasses").message,
        hint: RBAC_HINT,
      });
    }

  // 7. Metrics API (optional).
  try {
    await client.requestJson("/apis/metrics.k8s.io/v1beta1");
    summary.metricsApi = true;
    yield emit({
      id: "metrics-api",
      label: "Metrics API",
      status: "pass",
      detail: "metrics.k8s.io is served: tenants see live usage.",
      hint: null,
    });
  } catch (error) {
    const e = toClusterError(error, "read the metrics API");
    const reason = (e.details as ClusterErrorDetails | undefined)?.reason;
    yield emit({
      id: "metrics-api",
      label: "Metrics API",
      status: "warn",
      detail:
        reason === "not_found" || reason === "server_error"
          ? "metrics.k8s.io is not available: tenants will not see CPU and memory usage."
          : e.message,
      hint: "Install metrics-server: kubectl apply -f https://github.com/kubernetes-sigs/metrics-server/releases/latest/download/components.yaml",
    });
  }
  return done();
}

/** Runs every check, calling `onCheck` as each completes; returns the summary. */
export async function runProbe(
  client: ClusterClient,
  onCheck?: (check: ProbeCheck) => void,
): Promise<ProbeSummary> {
  const gen = probeCluster(client);
  for (;;) {
    const next = await gen.next();
    if (next.done) return next.value;
    onCheck?.(next.value);
  }
}
