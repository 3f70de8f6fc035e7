import "server-only";
import type { AppError } from "@/lib/errors";
import { formatBytes, formatCores } from "@/lib/market/format";
import type { ClusterClient } from "./cluster-client";
import { type ClusterErrorDetails, toClusterError } from "./cluster-error";
import { computeInventory, type Inventory } from "./read-inventory";
import { REQUIRED_PERMISSIONS, type RequiredPermission } from "./required-permissions";

// The onboarding checks of a cluster, yielded one by one as they complete so the wizard can show
// progress: connection and version, credentials, each permission of REQUIRED_PERMISSIONS (one
// SelfSubjectAccessReview per verb), nodes, GPUs, region, metrics API. Every failed or warning check
// carries a hint saying how to fix it. Over-privileged credentials (cluster-admin, Secret reads) are a
// warning. The generator's return value sums it up.

export type ProbeStatus = "pass" | "fail" | "warn";

export interface ProbeCheck {
  id: string;
  label: string;
  status: ProbeStatus;
  detail: string;
  /** How to fix it; null when there is nothing to fix. */
  hint: string | null;
}

export interface ProbeSummary {
  /** No check failed (warnings allowed). */
  ok: boolean;
  checks: ProbeCheck[];
  version: string | null;
  metricsApi: boolean;
  inventory: Inventory | null;
}

const RBAC_HINT = "Apply the RBAC manifest KubeBid shows you and upload the kubeconfig its commands write.";

function errorCheck(id: string, label: string, e: AppError, hint: string): ProbeCheck {
  return { id, label, status: "fail", detail: e.message, hint };
}

async function checkPermission(client: ClusterClient, p: RequiredPermission): Promise<ProbeCheck> {
  const id = `perm:${p.id}`;
  const label = `${p.label} (${p.verbs.join(", ")} ${p.subresource ? `${p.resource}/${p.subresource}` : p.resource})`;
  const results = await Promise.all(
    p.verbs.map(async (verb) => {
      const review = await client.authorization.createSelfSubjectAccessReview({
        body: {
          apiVersion: "authorization.k8s.io/v1",
          kind: "SelfSubjectAccessReview",
          spec: {
            resourceAttributes: { group: p.group, resource: p.resource, subresource: p.subresource, verb },
          },
        },
      });
      return { verb, allowed: review.status?.allowed === true };
    }),
  );
  const missing = results.filter((r) => !r.allowed).map((r) => r.verb);
  if (missing.length === 0) return { id, label, status: "pass", detail: `Allowed ${p.why}.`, hint: null };
  const resource = `${p.group ? `${p.group}/` : ""}${p.subresource ? `${p.resource}/${p.subresource}` : p.resource}`;
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
  const summary: ProbeSummary = { ok: false, checks, version: null, metricsApi: false, inventory: null };
  const emit = (c: ProbeCheck) => {
    checks.push(c);
    return c;
  };
  const done = () => {
    summary.ok = checks.every((c) => c.status !== "fail");
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

  // 3. Permissions, checked concurrently, reported in list order.
  const pending = REQUIRED_PERMISSIONS.map((p) =>
    checkPermission(client, p).catch((error) =>
      errorCheck(`perm:${p.id}`, p.label, toClusterError(error, "check permissions"), RBAC_HINT),
    ),
  );
  const allowed = new Map<string, boolean>();
  for (const [i, promise] of pending.entries()) {
    const check = await promise;
    allowed.set(REQUIRED_PERMISSIONS[i]?.id ?? "", check.status === "pass");
    yield emit(check);
  }

  // 3b. Least privilege: credentials that can do everything (or read every Secret) work, but a leak of
  // them from KubeBid would hand over the whole cluster; say so.
  try {
    const can = async (verb: string, group: string, resource: string) =>
      (
        await client.authorization.createSelfSubjectAccessReview({
          body: { spec: { resourceAttributes: { verb, group, resource } } },
        })
      ).status?.allowed === true;
    const [everything, secrets] = await Promise.all([can("*", "*", "*"), can("get", "", "secrets")]);
    yield emit(
      everything || secrets
        ? {
            id: "least-privilege",
            label: "Least privilege",
            status: "warn",
            detail: everything
              ? "These credentials can do anything on the cluster (cluster-admin); KubeBid needs far less."
              : "These credentials can read every Secret on the cluster; KubeBid never needs to.",
            hint: `Give KubeBid its own service account with only what it needs. ${RBAC_HINT}`,
          }
        : {
            id: "least-privilege",
            label: "Least privilege",
            status: "pass",
            detail: "The credentials cannot read Secrets or act as cluster-admin.",
            hint: null,
          },
    );
  } catch (error) {
    yield emit({
      id: "least-privilege",
      label: "Least privilege",
      status: "warn",
      detail: toClusterError(error, "check the credentials' reach").message,
      hint: RBAC_HINT,
    });
  }

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
    } catch (error) {
      yield emit(errorCheck("nodes", "Nodes", toClusterError(error, "list nodes and pods"), RBAC_HINT));
    }
  }

  // 5. Metrics API (optional).
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
