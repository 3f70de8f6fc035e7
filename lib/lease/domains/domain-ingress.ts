import "server-only";
import { ApiException } from "@kubernetes/client-node";
import { FIELD_MANAGER, LABELS, leaseNamespace } from "@/lib/k8s/build-lease-objects";
import type { ClusterClient } from "@/lib/k8s/cluster-client";
import { toClusterError } from "@/lib/k8s/cluster-error";
import type { ClusterExposure } from "@/lib/k8s/cluster-exposure";

// The Ingress that serves a verified custom domain: `kb-domain-<id>` in the lease namespace, routing
// the domain's "/" to the same Service and port as the service's generated host (the lease builder's
// ClusterIP Service is named after the service, lib/k8s/build-lease-objects.ts). Labelled
// `kubebid.io/part: custom-domain`, so the lease build's pruning of its own workload objects leaves it
// alone. Applied with server-side apply (idempotent) and deleted when the tenant removes the domain
// or its CNAME goes away.
//
// TLS: a provider's wildcard certificate covers only its base domain, so a custom domain gets TLS only
// where the provider runs cert-manager (which issues a certificate for the host into
// `kb-domain-<id>-tls`); elsewhere it is served over plain HTTP.

export const CUSTOM_DOMAIN_PART = "custom-domain";
const PART_LABEL = "kubebid.io/part";

export interface DomainIngressInput {
  id: number;
  leaseId: string;
  domain: string;
  service: string;
  port: number;
  exposure: ClusterExposure;
}

export const domainIngressName = (id: number) => `kb-domain-${id}`;

function ingressPath(namespace: string, name: string): string {
  return `/apis/networking.k8s.io/v1/namespaces/${namespace}/ingresses/${name}`;
}

export function buildDomainIngress(input: DomainIngressInput) {
  const name = domainIngressName(input.id);
  const tls = input.exposure.tls;
  const certManager = tls?.kind === "cert-manager";
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      name,
      namespace: leaseNamespace(input.leaseId),
      labels: {
        [LABELS.managedBy]: "kubebid",
        [LABELS.lease]: input.leaseId,
        [PART_LABEL]: CUSTOM_DOMAIN_PART,
      },
      ...(certManager
        ? {
            annotations: {
              [tls.issuerKind === "ClusterIssuer"
                ? "cert-manager.io/cluster-issuer"
                : "cert-manager.io/issuer"]: tls.issuer,
            },
          }
        : {}),
    },
    spec: {
      ingressClassName: input.exposure.ingressClass,
      ...(certManager ? { tls: [{ hosts: [input.domain], secretName: `${name}-tls` }] } : {}),
      rules: [
        {
          host: input.domain,
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: input.service, port: { number: input.port } } },
              },
            ],
          },
        },
      ],
    },
  };
}

/** True when the domain is served over HTTPS (see TLS above). */
export function domainUsesTls(exposure: ClusterExposure): boolean {
  return exposure.tls?.kind === "cert-manager";
}

export async function applyDomainIngress(client: ClusterClient, input: DomainIngressInput): Promise<void> {
  const object = buildDomainIngress(input);
  const path = ingressPath(object.metadata.namespace, object.metadata.name);
  try {
    await client.requestJson(path, {
      method: "PATCH",
      query: { fieldManager: FIELD_MANAGER, force: true },
      body: object,
      contentType: "application/apply-patch+yaml",
    });
  } catch (error) {
    throw toClusterError(error, `apply Ingress ${object.metadata.namespace}/${object.metadata.name}`);
  }
}

/** Deletes the domain's Ingress; one already gone (or a namespace torn down) is fine. */
export async function deleteDomainIngress(
  client: ClusterClient,
  opts: { id: number; leaseId: string },
): Promise<void> {
  const namespace = leaseNamespace(opts.leaseId);
  const path = ingressPath(namespace, domainIngressName(opts.id));
  try {
    await client.requestJson(path, { method: "DELETE" });
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) return;
    throw toClusterError(error, `delete Ingress ${namespace}/${domainIngressName(opts.id)}`);
  }
}
