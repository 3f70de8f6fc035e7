import { createHash } from "node:crypto";
import { AppError } from "@/lib/errors";
import { leaseTolerations } from "@/lib/market/fit-order";
import { type Manifest, manifestTotals } from "@/lib/market/manifest";
import { GPU_PRODUCT_LABEL, GPU_RESOURCE } from "./read-inventory";

// The Kubernetes objects of one lease, built from its validated Manifest (pure; applied by
// apply-lease-workload.ts). The namespace is the unit of isolation and teardown:
// - labels carry lease, tenant and a short spec hash (label values are limited to 63 characters; the
//   full 0x-hash is in an annotation); Pod Security `baseline` is enforced and `restricted` warned
//   and audited (a tenant may opt into enforcing `restricted`, manifest `security.podSecurity`);
// - ResourceQuota = exactly what was bought (manifestTotals), LimitRange = one replica's share;
// - NetworkPolicies: no ingress from other namespaces, no egress to private/link-local/CGNAT ranges
//   (incl. the cloud metadata address), DNS to kube-system allowed;
// - a hardened Deployment (Recreate, so a rollout never needs more than the quota) and a ClusterIP
//   Service for exposed ports. Making a Service reachable from outside (NodePort, LoadBalancer,
//   Ingress) is the provider's business; the quota forbids tenants from doing it themselves.

export const LEASE_NAMESPACE_PREFIX = "kb-lease-";
export const FIELD_MANAGER = "kubebid";
export const LABELS = {
  managedBy: "app.kubernetes.io/managed-by",
  lease: "kubebid.io/lease",
  tenant: "kubebid.io/tenant",
  specHash: "kubebid.io/spec-hash",
} as const;

/**
 * The capabilities a lease container keeps; every other one is dropped. These are what the entrypoints
 * of common images use when they start as root (images.ts in the simulator models them):
 * - CHOWN: chown the data directory to the service user (postgres, redis, mysql, mongo) or nginx's
 *   temp directories to its worker user;
 * - SETUID, SETGID: drop from root to that user (gosu/su-exec, nginx and httpd workers);
 * - DAC_OVERRIDE, FOWNER: a root entrypoint writing into, or chmod-ing, directories owned by the
 *   service user (postgres's `chmod 700 $PGDATA`);
 * - NET_BIND_SERVICE: listen on ports below 1024 (nginx, httpd, caddy on 80/443).
 * All six are in Pod Security baseline's allowed set. Gone from containerd's defaults: NET_RAW (raw
 * sockets: ARP/ICMP spoofing inside the provider's network), MKNOD, SYS_CHROOT, SETFCAP, SETPCAP,
 * FSETID, KILL, AUDIT_WRITE. Under `restricted` only NET_BIND_SERVICE stays (all that level allows).
 */
const LEASE_CAPABILITIES = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID", "NET_BIND_SERVICE"];
const RESTRICTED_CAPABILITIES = ["NET_BIND_SERVICE"];

/** Egress never goes to these: KubeBid's and the provider's own networks. */
const PRIVATE_EGRESS_CIDRS = [
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "169.254.0.0/16",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "0.0.0.0/8",
];
const PRIVATE_EGRESS_CIDRS_V6 = ["fc00::/7", "fe80::/10", "::1/128"];

export interface LeaseWorkloadInput {
  /** On-chain lease id (decimal). */
  leaseId: string;
  /** Tenant address (0x…). */
  tenant: string;
  /** 0x-prefixed keccak256 of the canonical manifest. */
  specHash: string;
  manifest: Manifest;
  /** NodeLocal DNSCache's link-local address on this cluster (detect-cluster-network.ts), if any. */
  nodeLocalDns?: string | null;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
}

export function leaseNamespace(leaseId: string): string {
  if (!/^[0-9a-z]([-0-9a-z]*[0-9a-z])?$/.test(leaseId) || leaseId.length > 63 - LEASE_NAMESPACE_PREFIX.length)
    throw new AppError("BAD_REQUEST", `Lease id "${leaseId.slice(0, 80)}" cannot name a namespace.`);
  return `${LEASE_NAMESPACE_PREFIX}${leaseId}`;
}

function labelValue(v: string): string {
  // Label values: ≤ 63 chars of [A-Za-z0-9._-], alphanumeric at both ends.
  const clean = v.replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 63);
  if (/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(clean)) return clean;
  return createHash("sha256").update(v).digest("hex").slice(0, 63);
}

export function buildLeaseObjects(input: LeaseWorkloadInput): { namespace: string; objects: K8sObject[] } {
  const { manifest } = input;
  const namespace = leaseNamespace(input.leaseId);
  const hash = input.specHash.toLowerCase().replace(/^0x/, "");
  if (!/^[0-9a-f]{16,128}$/.test(hash)) throw new AppError("BAD_REQUEST", "specHash must be a hex hash.");
  const labels = {
    [LABELS.managedBy]: "kubebid",
    [LABELS.lease]: labelValue(input.leaseId),
    [LABELS.tenant]: labelValue(input.tenant.toLowerCase()),
    [LABELS.specHash]: hash.slice(0, 16),
  };
  const annotations = { [LABELS.specHash]: `0x${hash}`, [LABELS.tenant]: input.tenant.toLowerCase() };
  const meta = (name: string) => ({ name, namespace, labels });

  const totals = manifestTotals(manifest);
  const r = manifest.resources;
  const perReplica: Record<string, string> = {
    cpu: `${r.cpu}m`,
    memory: `${r.memory}Mi`,
    "ephemeral-storage": `${r.storage}Mi`,
  };
  if (r.gpu.count > 0) perReplica[GPU_RESOURCE] = String(r.gpu.count);
  const exposed = (manifest.ports ?? []).filter((p) => p.expose);
  const security = manifest.security ?? {};
  const restricted = security.podSecurity === "restricted";
  const runAsNonRoot = restricted ? true : security.runAsNonRoot;

  const ns: K8sObject = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: namespace,
      labels: {
        ...labels,
        "pod-security.kubernetes.io/enforce": restricted ? "restricted" : "baseline",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
      },
      annotations,
    },
  };

  const quota: K8sObject = {
    apiVersion: "v1",
    kind: "ResourceQuota",
    metadata: meta("kb-quota"),
    spec: {
      hard: {
        "requests.cpu": `${totals.cpuMillis}m`,
        "limits.cpu": `${totals.cpuMillis}m`,
        "requests.memory": `${totals.memoryMiB}Mi`,
        "limits.memory": `${totals.memoryMiB}Mi`,
        "requests.ephemeral-storage": `${totals.storageMiB}Mi`,
        "limits.ephemeral-storage": `${totals.storageMiB}Mi`,
        [`requests.${GPU_RESOURCE}`]: String(totals.gpuCount),
        pods: String(manifest.replicas),
        services: "1",
        "services.nodeports": "0",
        "services.loadbalancers": "0",
        persistentvolumeclaims: "0",
      },
    },
  };

  const limitRange: K8sObject = {
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: meta("kb-limits"),
    spec: {
      limits: [
        {
          type: "Container",
          default: {
            cpu: perReplica.cpu,
            memory: perReplica.memory,
            "ephemeral-storage": perReplica["ephemeral-storage"],
          },
          defaultRequest: {
            cpu: perReplica.cpu,
            memory: perReplica.memory,
            "ephemeral-storage": perReplica["ephemeral-storage"],
          },
          max: {
            cpu: perReplica.cpu,
            memory: perReplica.memory,
            "ephemeral-storage": perReplica["ephemeral-storage"],
          },
        },
      ],
    },
  };

  const denyIngress: K8sObject = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta("kb-ingress-same-namespace"),
    spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] },
  };

  const egress: K8sObject = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta("kb-egress"),
    spec: {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        // The internet, not private networks (169.254.169.254 is the cloud metadata service).
        {
          to: [
            { ipBlock: { cidr: "0.0.0.0/0", except: PRIVATE_EGRESS_CIDRS } },
            { ipBlock: { cidr: "::/0", except: PRIVATE_EGRESS_CIDRS_V6 } },
          ],
        },
        // Cluster DNS.
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
              podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
          ],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
        // NodeLocal DNSCache: pods' resolv.conf points at its link-local address, which the first
        // rule excludes with the rest of 169.254.0.0/16.
        ...(input.nodeLocalDns && /^169\.254\.\d{1,3}\.\d{1,3}$/.test(input.nodeLocalDns)
          ? [
              {
                to: [{ ipBlock: { cidr: `${input.nodeLocalDns}/32` } }],
                ports: [
                  { protocol: "UDP", port: 53 },
                  { protocol: "TCP", port: 53 },
                ],
              },
            ]
          : []),
        // The lease's own pods.
        { to: [{ podSelector: {} }] },
      ],
    },
  };

  const podLabels = { ...labels, "app.kubernetes.io/name": manifest.name };
  const deployment: K8sObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { ...meta(manifest.name), annotations: { [LABELS.specHash]: `0x${hash}` } },
    spec: {
      replicas: manifest.replicas,
      // Recreate: a rolling update would need a surge pod the quota does not have room for.
      strategy: { type: "Recreate" },
      revisionHistoryLimit: 2,
      selector: {
        matchLabels: { [LABELS.lease]: labels[LABELS.lease], "app.kubernetes.io/name": manifest.name },
      },
      template: {
        metadata: { labels: podLabels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          hostNetwork: false,
          hostPID: false,
          hostIPC: false,
          securityContext: {
            seccompProfile: { type: "RuntimeDefault" },
            ...(runAsNonRoot !== undefined ? { runAsNonRoot } : {}),
            ...(security.runAsUser !== undefined ? { runAsUser: security.runAsUser } : {}),
          },
          // GPU pools are tainted nvidia.com/gpu:NoSchedule: only GPU orders tolerate it, so CPU-only
          // leases never take a GPU node. The same tolerations and selector drive the market's fit
          // (lib/market/fit-order.ts), so a provider bids only where the pods can be scheduled.
          ...(r.gpu.count > 0 ? { tolerations: leaseTolerations(r.gpu.count) } : {}),
          ...(r.gpu.count > 0 && r.gpu.model ? { nodeSelector: { [GPU_PRODUCT_LABEL]: r.gpu.model } } : {}),
          containers: [
            {
              name: manifest.name,
              image: manifest.image,
              ...(manifest.command ? { command: manifest.command } : {}),
              ...(manifest.args ? { args: manifest.args } : {}),
              ...(manifest.env ? { env: manifest.env.map((e) => ({ name: e.name, value: e.value })) } : {}),
              ...(manifest.ports?.length
                ? {
                    ports: manifest.ports.map((p) => ({
                      containerPort: p.port,
                      protocol: p.protocol,
                      ...(p.name ? { name: p.name } : {}),
                    })),
                  }
                : {}),
              // requests = limits: the tenant gets exactly what it paid for (Guaranteed QoS).
              resources: { requests: perReplica, limits: perReplica },
              securityContext: {
                allowPrivilegeEscalation: false,
                privileged: false,
                capabilities: {
                  drop: ["ALL"],
                  add: restricted ? RESTRICTED_CAPABILITIES : LEASE_CAPABILITIES,
                },
                seccompProfile: { type: "RuntimeDefault" },
                // Most images write to their own filesystem (nginx's cache, postgres's data): writable
                // unless the tenant asks otherwise; /tmp (below) is an emptyDir sized to the storage bought.
                readOnlyRootFilesystem: security.readOnlyRootFilesystem ?? false,
              },
              volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
            },
          ],
          volumes: [{ name: "tmp", emptyDir: { sizeLimit: `${r.storage}Mi` } }],
        },
      },
    },
  };

  const objects: K8sObject[] = [ns, quota, limitRange, denyIngress, egress, deployment];
  // A multi-port Service needs unique port names: an unnamed port gets "<proto>-<port>", unless a
  // named port already took that (kube-apiserver refuses duplicates), then "port-<n>-<proto>-<port>".
  const taken = new Set(exposed.flatMap((p) => (p.name ? [p.name] : [])));
  const servicePortNames = exposed.map((p, i) => {
    if (p.name) return p.name;
    const base = `${p.protocol.toLowerCase()}-${p.port}`;
    const name = taken.has(base) ? `port-${i}-${base}` : base;
    taken.add(name);
    return name;
  });
  if (exposed.length > 0) {
    objects.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(manifest.name),
      spec: {
        type: "ClusterIP",
        selector: { [LABELS.lease]: labels[LABELS.lease], "app.kubernetes.io/name": manifest.name },
        ports: exposed.map((p, i) => ({
          name: servicePortNames[i],
          port: p.port,
          targetPort: p.port,
          protocol: p.protocol,
        })),
      },
    });
  }
  return { namespace, objects };
}
