import { z } from "zod";

// How a provider's cluster exposes lease ports, as declared in the onboarding wizard and verified by
// the probe where it can be: HTTP through an IngressClass on `<service>-<lease>.<baseDomain>`, with TLS
// from a wildcard certificate Secret or a cert-manager issuer, and TCP/UDP through NodePorts or
// LoadBalancers when offered. Stored per cluster (clusters.exposure); read by the lease builder
// (lib/k8s/build-lease-objects.ts), screening and the market page.

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const labelKey = z.string().regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/);
const labelValue = z.string().max(63).regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/);

export const clusterExposureSchema = z
  .object({
    /** The IngressClass lease Ingresses name; null: the provider offers no HTTP exposure. */
    ingressClass: z.string().max(253).regex(dnsSubdomain).nullable(),
    /** Namespace of the ingress controller's pods: the only one a lease's NetworkPolicy admits. */
    ingressNamespace: z.string().max(63).regex(dnsLabel),
    /** Labels of the controller's pods, narrowing the NetworkPolicy peer further (optional). */
    ingressPodLabels: z.record(labelKey, labelValue).optional(),
    /** Wildcard base domain without the "*." (e.g. apps.example.com); lease hosts are one label below. */
    baseDomain: z
      .string()
      .max(200)
      .regex(dnsSubdomain, "a DNS name like apps.example.com")
      .refine((d) => d.includes("."), "a domain with at least two labels")
      .nullable(),
    tls: z
      .discriminatedUnion("kind", [
        z
          .object({
            kind: z.literal("secret"),
            /** A wildcard certificate Secret (kubernetes.io/tls) for *.baseDomain. */
            namespace: z.string().max(63).regex(dnsLabel),
            name: z.string().max(253).regex(dnsSubdomain),
          })
          .strict(),
        z
          .object({
            kind: z.literal("cert-manager"),
            issuerKind: z.enum(["Issuer", "ClusterIssuer"]),
            issuer: z.string().max(253).regex(dnsSubdomain),
          })
          .strict(),
      ])
      .nullable(),
    /** How TCP/UDP ports are offered. */
    ports: z.enum(["none", "nodeport", "loadbalancer"]),
  })
  .strict();

export type ClusterExposure = z.infer<typeof clusterExposureSchema>;

/** A cluster that declared nothing: ports reachable only inside the lease. */
export const NO_EXPOSURE: ClusterExposure = {
  ingressClass: null,
  ingressNamespace: "ingress-nginx",
  baseDomain: null,
  tls: null,
  ports: "none",
};

/** A StorageClass the provider offers, priced per GiB-hour in token base units (decimal string). */
export const storageClassOfferSchema = z
  .object({
    name: z.string().max(253).regex(dnsSubdomain),
    pricePerGiBHour: z.string().regex(/^\d{1,30}$/),
  })
  .strict();

export type StorageClassOffer = z.infer<typeof storageClassOfferSchema>;

/** The public host of one HTTP service of a lease: `<service>-<lease>.<baseDomain>`. */
export function leaseHost(service: string, leaseId: string, baseDomain: string): string {
  const label = `${service}-${leaseId}`;
  if (!dnsLabel.test(label) || label.length > 63) throw new Error(`"${label}" is not a DNS label`);
  return `${label}.${baseDomain}`;
}
