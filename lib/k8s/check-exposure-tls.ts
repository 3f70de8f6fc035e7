import "server-only";
import type { ClusterExposure } from "./cluster-exposure";
import type { ClusterClient } from "./cluster-client";
import { type ClusterErrorDetails, toClusterError } from "./cluster-error";

// What KubeBid can verify of the TLS a provider declares for lease hosts, with no right beyond its
// least-privilege RBAC:
// - a wildcard certificate Secret: never read. KubeBid's credentials must not read Secrets (the probe
//   fails them if they can), so this stays "not verified";
// - a cert-manager ClusterIssuer: read when cert-manager's API is served and the (optional) get on
//   clusterissuers is granted; a missing issuer is refused, one that is not Ready is reported;
// - a cert-manager Issuer: namespaced, it must exist in each lease namespace, which does not exist yet.

export interface TlsCheck {
  /** "missing": a ClusterIssuer KubeBid could read is not there (the declaration is refused). */
  status: "none" | "verified" | "not-verified" | "not-ready" | "missing";
  detail: string;
}

interface IssuerLite {
  status?: { conditions?: Array<{ type?: string; status?: string; message?: string }> };
}

export async function checkExposureTls(
  client: ClusterClient,
  tls: ClusterExposure["tls"],
): Promise<TlsCheck> {
  if (!tls) return { status: "none", detail: "No TLS: lease hosts are served over plain HTTP." };
  if (tls.kind === "secret")
    return {
      status: "not-verified",
      detail: `Not verified: KubeBid may not read Secrets, so it cannot see ${tls.namespace}/${tls.name}. Make sure it is a kubernetes.io/tls Secret for the wildcard domain.`,
    };
  if (tls.issuerKind === "Issuer")
    return {
      status: "not-verified",
      detail: `Not verified: an Issuer is namespaced and must exist in each lease namespace. A ClusterIssuer can be checked.`,
    };
  try {
    await client.requestJson("/apis/cert-manager.io/v1");
  } catch (error) {
    const reason = (
      toClusterError(error, "read cert-manager's API").details as ClusterErrorDetails | undefined
    )?.reason;
    return {
      status: "not-verified",
      detail:
        reason === "not_found"
          ? "Not verified: the cluster does not serve cert-manager.io/v1 (is cert-manager installed?)."
          : "Not verified: cert-manager's API could not be read.",
    };
  }
  const review = await client.authorization.createSelfSubjectAccessReview({
    body: {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectAccessReview",
      spec: {
        resourceAttributes: {
          group: "cert-manager.io",
          resource: "clusterissuers",
          verb: "get",
          name: tls.issuer,
        },
      },
    },
  });
  if (review.status?.allowed !== true)
    return {
      status: "not-verified",
      detail: "Not verified: KubeBid may not read ClusterIssuers (the RBAC manifest grants it; re-apply it).",
    };
  try {
    const issuer = await client.requestJson<IssuerLite>(
      `/apis/cert-manager.io/v1/clusterissuers/${encodeURIComponent(tls.issuer)}`,
    );
    const ready = issuer.status?.conditions?.find((c) => c.type === "Ready");
    return ready?.status === "True"
      ? { status: "verified", detail: `ClusterIssuer ${tls.issuer} exists and is Ready.` }
      : {
          status: "not-ready",
          detail: `ClusterIssuer ${tls.issuer} exists but is not Ready${ready?.message ? `: ${ready.message}` : ""}.`,
        };
  } catch (error) {
    const e = toClusterError(error, `read ClusterIssuer ${tls.issuer}`);
    if ((e.details as ClusterErrorDetails | undefined)?.reason === "not_found")
      return { status: "missing", detail: `The cluster has no ClusterIssuer "${tls.issuer}".` };
    return { status: "not-verified", detail: `Not verified: ${e.message}` };
  }
}
