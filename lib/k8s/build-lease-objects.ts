import { createHash } from "node:crypto";
import { AppError } from "@/lib/errors";
import { leaseTolerations } from "@/lib/market/fit-order";
import {
  isManifestV2,
  type Manifest,
  type ManifestAutoscale,
  type ManifestPort,
  type ManifestProbe,
  type ManifestService,
  manifestServices,
  manifestTotals,
} from "@/lib/market/manifest";
import { type ClusterExposure, leaseHost, NO_EXPOSURE } from "./cluster-exposure";
import { GPU_PRODUCT_LABEL, GPU_RESOURCE } from "./read-inventory";

// The Kubernetes objects of one lease, built from its validated Manifest (pure; applied by
// apply-lease-workload.ts in the order returned). The namespace is the unit of isolation and teardown:
// - labels carry lease, tenant and a short spec hash (label values are limited to 63 characters; the
//   full 0x-hash is in an annotation); Pod Security `baseline` is enforced and `restricted` warned
//   and audited (a tenant may opt into enforcing `restricted`);
// - ResourceQuota = exactly what was bought (manifestTotals) plus exactly the Services, node ports,
//   load balancers and volumes built here; LimitRange = the largest service's replica;
// - NetworkPolicies: ingress from the namespace itself, from the provider's ingress controller only to
//   the ports its Ingresses route to, from anywhere only to NodePort/LoadBalancer ports; no egress to
//   private/link-local/CGNAT ranges (incl. the cloud metadata address), DNS to kube-system allowed;
// - per service: a hardened Deployment, rolled out RollingUpdate (one surge pod, none unavailable) when
//   what the lease bought has room for one more of its replicas and it has no volume, else Recreate (a
//   rollout never needs more than the quota; a ReadWriteOnce volume cannot be mounted twice), a
//   ClusterIP Service named after it (services find each other by name), its volumes as
//   PersistentVolumeClaims `<service>-<volume>`, an Ingress for its HTTP port and a `<service>-public`
//   NodePort/LoadBalancer Service for its TCP/UDP ports, as the provider's ClusterExposure offers;
//   an autoscaled service also gets a HorizontalPodAutoscaler, and its Deployment leaves
//   spec.replicas to it (see `leaseAutoscaler`);
// - the deployment's secrets in one Secret `kb-secrets`, referenced by the services' env.
// Every object but the namespace carries `kubebid.io/part: workload`: re-applying deletes the labelled
// objects a new build no longer has (apply-lease-workload.ts) and nothing else.

export const LEASE_NAMESPACE_PREFIX = "kb-lease-";
export const FIELD_MANAGER = "kubebid";
/**
 * The field manager that sets an autoscaled Deployment's initial replicas, once, when it is created
 * (apply-lease-workload.ts): the HPA's later writes take the field from it, and KubeBid's own
 * manager never owns it, so re-applying never resets what the HPA chose.
 */
export const INITIAL_REPLICAS_MANAGER = "kubebid-initial-replicas";
export const LABELS = {
  managedBy: "app.kubernetes.io/managed-by",
  lease: "kubebid.io/lease",
  tenant: "kubebid.io/tenant",
  specHash: "kubebid.io/spec-hash",
  /** On every object a lease build makes, so a re-apply can prune what the build no longer has. */
  part: "kubebid.io/part",
} as const;
export const WORKLOAD_PART = "workload";
/** The Secret holding a lease's secret values (one key per manifest secret). */
export const LEASE_SECRET_NAME = "kb-secrets";

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
  /** How the cluster exposes ports (clusters.exposure); null or absent: nothing outside the lease. */
  exposure?: ClusterExposure | null;
  /** The deployment's secret values by secret name (decrypted from manifest_secrets). */
  secretValues?: Record<string, string>;
  /** The cluster runs pods in user namespaces (clusters.user_namespaces): pods get hostUsers: false. */
  userNamespaces?: boolean;
  /** The StorageClasses the cluster offers (clusters.storage_classes); absent: not checked here. */
  storageClasses?: readonly string[];
  /**
   * What the lease bought (its order's manifest totals), when the manifest is a later spec that may use
   * less: the quota is what was bought, and the spare decides each Deployment's strategy. Absent: the
   * manifest's own totals (nothing spare).
   */
  bought?: LeaseCapacity;
}

/** Compute a lease bought, summed over replicas (manifestTotals' units). */
export interface LeaseCapacity {
  cpuMillis: number;
  memoryMiB: number;
  storageMiB: number;
  gpuCount: number;
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

/**
 * Names for a Service's ports, unique within it (kube-apiserver refuses duplicates, and requires names
 * once there are two ports): the tenant's name, else "<proto>-<port>", unless a named port already
 * took that, then "port-<n>-<proto>-<port>".
 */
function servicePortNames(ports: readonly Pick<ManifestPort, "name" | "port" | "protocol">[]): string[] {
  const taken = new Set(ports.flatMap((p) => (p.name ? [p.name] : [])));
  return ports.map((p, i) => {
    if (p.name) return p.name;
    const base = `${p.protocol.toLowerCase()}-${p.port}`;
    const name = taken.has(base) ? `port-${i}-${base}` : base;
    taken.add(name);
    return name;
  });
}

/** A manifest check as a container probe (handler plus the thresholds the tenant set). */
function containerProbe(p: ManifestProbe): Record<string, unknown> {
  const handler = p.http
    ? { httpGet: { path: p.http.path, port: p.http.port } }
    : p.tcp
      ? { tcpSocket: { port: p.tcp.port } }
      : { exec: { command: p.exec?.command ?? [] } };
  const { initialDelaySeconds, periodSeconds, timeoutSeconds, failureThreshold, successThreshold } = p;
  return Object.fromEntries(
    Object.entries({
      ...handler,
      initialDelaySeconds,
      periodSeconds,
      timeoutSeconds,
      failureThreshold,
      successThreshold,
    }).filter(([, v]) => v !== undefined),
  );
}

/** One replica's resources of a service, as container requests (= limits). */
function replicaResources(s: ManifestService): Record<string, string> {
  const r = s.resources;
  const out: Record<string, string> = {
    cpu: `${r.cpu}m`,
    memory: `${r.memory}Mi`,
    "ephemeral-storage": `${r.storage}Mi`,
  };
  if (r.gpu.count > 0) out[GPU_RESOURCE] = String(r.gpu.count);
  return out;
}

const unoffered = (message: string) => new AppError("UNPROCESSABLE", message);

export function buildLeaseObjects(input: LeaseWorkloadInput): {
  namespace: string;
  objects: K8sObject[];
  /** Autoscaled Deployments (by name) and the replicas they start with (their `spec.replicas` is the HPA's). */
  initialReplicas: Record<string, number>;
} {
  const { manifest } = input;
  const namespace = leaseNamespace(input.leaseId);
  const hash = input.specHash.toLowerCase().replace(/^0x/, "");
  if (!/^[0-9a-f]{16,128}$/.test(hash)) throw new AppError("BAD_REQUEST", "specHash must be a hex hash.");
  const exposure = input.exposure ?? NO_EXPOSURE;
  const secretValues = input.secretValues ?? {};
  const deployment = manifestServices(manifest);
  const labels = {
    [LABELS.managedBy]: "kubebid",
    [LABELS.lease]: labelValue(input.leaseId),
    [LABELS.tenant]: labelValue(input.tenant.toLowerCase()),
    [LABELS.specHash]: hash.slice(0, 16),
  };
  const partLabels = { ...labels, [LABELS.part]: WORKLOAD_PART };
  const annotations = { [LABELS.specHash]: `0x${hash}`, [LABELS.tenant]: input.tenant.toLowerCase() };
  const meta = (name: string) => ({ name, namespace, labels: partLabels });
  const selectorOf = (service: string) => ({
    [LABELS.lease]: labels[LABELS.lease],
    "app.kubernetes.io/name": service,
  });
  const restricted = deployment.podSecurity === "restricted";
  const totals = manifestTotals(manifest);
  const bought = input.bought ?? totals;
  /** Room for one more replica of `svc` beside the whole deployment, within what was bought. */
  const canSurge = (svc: ManifestService) =>
    (svc.volumes ?? []).length === 0 &&
    totals.cpuMillis + svc.resources.cpu <= bought.cpuMillis &&
    totals.memoryMiB + svc.resources.memory <= bought.memoryMiB &&
    totals.storageMiB + svc.resources.storage <= bought.storageMiB &&
    totals.gpuCount + svc.resources.gpu.count <= bought.gpuCount;
  const surging = deployment.services.some(canSurge);

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

  const secrets: K8sObject[] = [];
  if (deployment.secrets.length > 0) {
    const data: Record<string, string> = {};
    for (const s of deployment.secrets) {
      const value = secretValues[s.name];
      if (value === undefined)
        throw new AppError("CONFLICT", `The value of secret "${s.name}" is missing; nothing was deployed.`);
      data[s.name] = Buffer.from(value, "utf8").toString("base64");
    }
    secrets.push({
      apiVersion: "v1",
      kind: "Secret",
      metadata: meta(LEASE_SECRET_NAME),
      type: "Opaque",
      data,
    });
  }

  const claims: K8sObject[] = [];
  const clusterServices: K8sObject[] = [];
  const publicServices: K8sObject[] = [];
  const deployments: K8sObject[] = [];
  const ingresses: K8sObject[] = [];
  const autoscalers: K8sObject[] = [];
  const initialReplicas: Record<string, number> = {};
  const policies: K8sObject[] = [];
  let nodePorts = 0;
  const storageByClass = new Map<string, { mib: number; claims: number }>();

  for (const svc of deployment.services) {
    const ports = svc.ports ?? [];
    // v1 put only `expose: true` ports in its Service (v2 puts every port there: `internal` means
    // reachable by the other services, which is what the ClusterIP Service is for).
    const inService = isManifestV2(manifest)
      ? ports
      : ports.filter((_, i) => manifest.ports?.[i]?.expose !== false);
    const http = ports.filter((p) => p.expose === "http");
    const raw = ports.filter((p) => p.expose === "tcp" || p.expose === "udp");
    const selector = selectorOf(svc.name);

    for (const v of svc.volumes ?? []) {
      if (input.storageClasses && !input.storageClasses.includes(v.storageClass))
        throw unoffered(
          `Volume "${v.name}" of service "${svc.name}" asks for StorageClass "${v.storageClass}", which this cluster does not offer.`,
        );
      // A storage class quota key is a qualified name whose prefix is a DNS subdomain of ≤ 253.
      if (`${v.storageClass}.storageclass.storage.k8s.io`.length > 253)
        throw unoffered(`StorageClass "${v.storageClass.slice(0, 60)}…" is too long to hold a quota.`);
      const per = storageByClass.get(v.storageClass) ?? { mib: 0, claims: 0 };
      storageByClass.set(v.storageClass, { mib: per.mib + v.size, claims: per.claims + 1 });
      claims.push({
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: meta(`${svc.name}-${v.name}`),
        spec: {
          accessModes: ["ReadWriteOnce"],
          storageClassName: v.storageClass,
          resources: { requests: { storage: `${v.size}Mi` } },
        },
      });
    }

    if (inService.length > 0) {
      const names = servicePortNames(inService);
      clusterServices.push({
        apiVersion: "v1",
        kind: "Service",
        metadata: meta(svc.name),
        spec: {
          type: "ClusterIP",
          selector,
          ports: inService.map((p, i) => ({
            name: names[i],
            port: p.port,
            targetPort: p.port,
            protocol: p.protocol,
          })),
        },
      });
    }

    // HTTP: one host per service, `<service>-<lease>.<baseDomain>`, whose "/" goes to the service's
    // first HTTP port (a host cannot route by port; further HTTP ports are reachable inside the lease).
    const routed = http[0];
    if (routed) {
      if (!exposure.ingressClass || !exposure.baseDomain)
        throw unoffered(
          `Service "${svc.name}" exposes port ${routed.port} over HTTP, but this cluster offers no HTTP exposure.`,
        );
      let host: string;
      try {
        host = leaseHost(svc.name, input.leaseId, exposure.baseDomain);
      } catch {
        throw unoffered(`"${svc.name}-${input.leaseId}" is too long for a host name label (63 characters).`);
      }
      // kube-apiserver: an Ingress host is a DNS subdomain of at most 253 characters.
      if (host.length > 253)
        throw unoffered(`The host "${host.slice(0, 80)}…" is longer than 253 characters.`);
      ingresses.push(leaseIngress(meta(svc.name), host, routed.port, exposure));
      policies.push({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: meta(`kb-http-${svc.name}`),
        spec: {
          podSelector: { matchLabels: selector },
          policyTypes: ["Ingress"],
          ingress: [
            {
              from: [
                {
                  namespaceSelector: {
                    matchLabels: { "kubernetes.io/metadata.name": exposure.ingressNamespace },
                  },
                  ...(exposure.ingressPodLabels && Object.keys(exposure.ingressPodLabels).length > 0
                    ? { podSelector: { matchLabels: exposure.ingressPodLabels } }
                    : {}),
                },
              ],
              ports: [{ protocol: "TCP", port: routed.port }],
            },
          ],
        },
      });
    }

    if (raw.length > 0) {
      if (exposure.ports === "none")
        throw unoffered(
          `Service "${svc.name}" exposes port ${raw[0]?.port}/${raw[0]?.protocol}, but this cluster offers no TCP/UDP exposure.`,
        );
      const names = servicePortNames(raw);
      nodePorts += raw.length;
      publicServices.push({
        apiVersion: "v1",
        kind: "Service",
        metadata: meta(`${svc.name}-public`),
        spec: {
          type: exposure.ports === "loadbalancer" ? "LoadBalancer" : "NodePort",
          selector,
          ports: raw.map((p, i) => ({
            name: names[i],
            port: p.port,
            targetPort: p.port,
            protocol: p.protocol,
          })),
        },
      });
      policies.push({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: meta(`kb-public-${svc.name}`),
        spec: {
          podSelector: { matchLabels: selector },
          policyTypes: ["Ingress"],
          ingress: [
            {
              from: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }],
              ports: raw.map((p) => ({ protocol: p.protocol, port: p.port })),
            },
          ],
        },
      });
    }

    deployments.push(
      leaseDeployment({
        svc,
        rolling: canSurge(svc),
        meta: { ...meta(svc.name), annotations: { [LABELS.specHash]: `0x${hash}` } },
        podLabels: { ...partLabels, "app.kubernetes.io/name": svc.name },
        selector,
        restricted,
        userNamespaces: input.userNamespaces === true,
      }),
    );
    if (svc.autoscale) {
      autoscalers.push(leaseAutoscaler(meta(svc.name), svc.autoscale));
      initialReplicas[svc.name] = svc.replicas;
    }
  }

  const services = [...clusterServices, ...publicServices];
  const storageMiB = [...storageByClass.values()].reduce((n, c) => n + c.mib, 0);
  const quota: K8sObject = {
    apiVersion: "v1",
    kind: "ResourceQuota",
    metadata: meta("kb-quota"),
    spec: {
      hard: {
        "requests.cpu": `${bought.cpuMillis}m`,
        "limits.cpu": `${bought.cpuMillis}m`,
        "requests.memory": `${bought.memoryMiB}Mi`,
        "limits.memory": `${bought.memoryMiB}Mi`,
        "requests.ephemeral-storage": `${bought.storageMiB}Mi`,
        "limits.ephemeral-storage": `${bought.storageMiB}Mi`,
        [`requests.${GPU_RESOURCE}`]: String(bought.gpuCount),
        // One pod more while a rolling service surges (two surging at once take turns: the
        // ReplicaSet controller retries a pod the quota refused).
        pods: String(totals.replicas + (surging ? 1 : 0)),
        services: String(services.length),
        // kube-apiserver's quota counts a node port per port of NodePort and LoadBalancer Services.
        "services.nodeports": String(nodePorts),
        "services.loadbalancers": String(exposure.ports === "loadbalancer" ? publicServices.length : 0),
        persistentvolumeclaims: String(claims.length),
        "requests.storage": `${storageMiB}Mi`,
        ...Object.fromEntries(
          [...storageByClass].flatMap(([cls, c]) => [
            [`${cls}.storageclass.storage.k8s.io/requests.storage`, `${c.mib}Mi`],
            [`${cls}.storageclass.storage.k8s.io/persistentvolumeclaims`, String(c.claims)],
          ]),
        ),
      },
    },
  };

  // default/defaultRequest apply only to containers without resources (ours always set them); max is
  // the largest service's replica, so no container can be made bigger than what any service bought.
  const largest: Record<string, number> = { cpu: 0, memory: 0, "ephemeral-storage": 0 };
  for (const s of deployment.services) {
    largest.cpu = Math.max(largest.cpu ?? 0, s.resources.cpu);
    largest.memory = Math.max(largest.memory ?? 0, s.resources.memory);
    largest["ephemeral-storage"] = Math.max(largest["ephemeral-storage"] ?? 0, s.resources.storage);
  }
  const perReplicaMax = {
    cpu: `${largest.cpu}m`,
    memory: `${largest.memory}Mi`,
    "ephemeral-storage": `${largest["ephemeral-storage"]}Mi`,
  };
  const limitRange: K8sObject = {
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: meta("kb-limits"),
    spec: {
      limits: [
        { type: "Container", default: perReplicaMax, defaultRequest: perReplicaMax, max: perReplicaMax },
      ],
    },
  };

  const sameNamespace: K8sObject = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta("kb-ingress-same-namespace"),
    spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] },
  };

  const objects: K8sObject[] = [
    ns,
    quota,
    limitRange,
    sameNamespace,
    egressPolicy(meta("kb-egress"), input.nodeLocalDns),
    ...policies,
    ...secrets,
    ...claims,
    ...services,
    ...deployments,
    ...autoscalers,
    ...ingresses,
  ];
  // Two services can make the same name (a service "db-public" next to a service "db" with a TCP
  // port; volume "b-c" of "a" next to volume "c" of "a-b"): refuse rather than apply one over the other.
  const seen = new Set<string>();
  for (const o of objects) {
    const key = `${o.kind}/${o.metadata.name}`;
    if (seen.has(key))
      throw new AppError(
        "INVALID_MANIFEST",
        `Two parts of the deployment would both be ${o.kind} "${o.metadata.name}".`,
      );
    seen.add(key);
  }
  return { namespace, objects, initialReplicas };
}

/**
 * An autoscaling/v2 HorizontalPodAutoscaler on the service's Deployment (same name), on the average
 * utilization of its pods' CPU and/or memory requests. `behavior` is left out: kube-controller-manager's
 * defaults (scale up by 100 % or 4 pods per 15 s at once, scale down after a 300 s stabilization
 * window) are what users of HPAs expect. The quota was bought for `max` replicas.
 */
function leaseAutoscaler(metadata: K8sObject["metadata"], a: ManifestAutoscale): K8sObject {
  const target = (name: "cpu" | "memory", percent: number) => ({
    type: "Resource",
    resource: { name, target: { type: "Utilization", averageUtilization: percent } },
  });
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata,
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: metadata.name },
      minReplicas: a.min,
      maxReplicas: a.max,
      metrics: [
        ...(a.cpuPercent !== undefined ? [target("cpu", a.cpuPercent)] : []),
        ...(a.memoryPercent !== undefined ? [target("memory", a.memoryPercent)] : []),
      ],
    },
  };
}

function leaseIngress(
  metadata: K8sObject["metadata"],
  host: string,
  port: number,
  exposure: ClusterExposure,
): K8sObject {
  // TLS:
  // - a wildcard certificate Secret lives in the provider's namespace, and an Ingress can only name a
  //   Secret of its own namespace. Copying it into every lease would hand its private key to KubeBid
  //   (which may not read Secrets) and spread it over every lease. Instead the host is listed in `tls`
  //   without a secretName: ingress-nginx then serves its default certificate
  //   (--default-ssl-certificate=<namespace>/<name>, which the provider points at the wildcard
  //   Secret), as Traefik does with its default TLSStore;
  // - cert-manager's ingress-shim issues a certificate per host into `<service>-tls` (an Issuer must
  //   be in the Ingress's namespace, so a provider's namespaced Issuer only works if it is there; a
  //   ClusterIssuer works everywhere).
  const tls = exposure.tls;
  const certManager =
    tls?.kind === "cert-manager"
      ? {
          [tls.issuerKind === "ClusterIssuer" ? "cert-manager.io/cluster-issuer" : "cert-manager.io/issuer"]:
            tls.issuer,
        }
      : undefined;
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { ...metadata, ...(certManager ? { annotations: certManager } : {}) },
    spec: {
      ingressClassName: exposure.ingressClass,
      ...(tls?.kind === "secret" ? { tls: [{ hosts: [host] }] } : {}),
      ...(tls?.kind === "cert-manager"
        ? { tls: [{ hosts: [host], secretName: `${metadata.name}-tls` }] }
        : {}),
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: metadata.name, port: { number: port } } },
              },
            ],
          },
        },
      ],
    },
  };
}

function egressPolicy(metadata: K8sObject["metadata"], nodeLocalDns: string | null | undefined): K8sObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata,
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
        ...(nodeLocalDns && /^169\.254\.\d{1,3}\.\d{1,3}$/.test(nodeLocalDns)
          ? [
              {
                to: [{ ipBlock: { cidr: `${nodeLocalDns}/32` } }],
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
}

function leaseDeployment(opts: {
  svc: ManifestService;
  rolling: boolean;
  meta: K8sObject["metadata"];
  podLabels: Record<string, string>;
  selector: Record<string, string>;
  restricted: boolean;
  userNamespaces: boolean;
}): K8sObject {
  const { svc, restricted } = opts;
  const security = svc.security ?? {};
  const runAsNonRoot = restricted ? true : security.runAsNonRoot;
  const resources = replicaResources(svc);
  const gpu = svc.resources.gpu;
  const volumes = svc.volumes ?? [];
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: opts.meta,
    spec: {
      // An autoscaled Deployment's replicas belong to its HPA. Were they in this applied object,
      // every re-apply (server-side apply, forced) would set them back to the manifest's count and
      // fight the autoscaler — the problem kubectl-apply users of HPAs know. So they are left out, and
      // set once at creation under another field manager (INITIAL_REPLICAS_MANAGER), which the HPA's
      // first write replaces.
      ...(svc.autoscale ? {} : { replicas: svc.replicas }),
      // RollingUpdate only with room for the surge pod (buildLeaseObjects decides; never with a
      // ReadWriteOnce volume, which the old and the new pod cannot mount at once); Recreate takes no
      // rollingUpdate (kube-apiserver: "may not be specified when strategy `type` is 'Recreate'").
      strategy: opts.rolling
        ? { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }
        : { type: "Recreate" },
      revisionHistoryLimit: 2,
      selector: { matchLabels: opts.selector },
      template: {
        metadata: { labels: opts.podLabels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          hostNetwork: false,
          hostPID: false,
          hostIPC: false,
          // root in the container is not root on the node, where the cluster supports it (the probe
          // sets clusters.user_namespaces); elsewhere the field is left out, as kube-apiserver before
          // the feature would drop or refuse it.
          ...(opts.userNamespaces ? { hostUsers: false } : {}),
          securityContext: {
            seccompProfile: { type: "RuntimeDefault" },
            ...(runAsNonRoot !== undefined ? { runAsNonRoot } : {}),
            ...(security.runAsUser !== undefined ? { runAsUser: security.runAsUser } : {}),
          },
          // GPU pools are tainted nvidia.com/gpu:NoSchedule: only GPU orders tolerate it, so CPU-only
          // leases never take a GPU node. The same tolerations and selector drive the market's fit
          // (lib/market/fit-order.ts), so a provider bids only where the pods can be scheduled.
          ...(gpu.count > 0 ? { tolerations: leaseTolerations(gpu.count) } : {}),
          ...(gpu.count > 0 && gpu.model ? { nodeSelector: { [GPU_PRODUCT_LABEL]: gpu.model } } : {}),
          containers: [
            {
              name: svc.name,
              image: svc.image,
              ...(svc.command ? { command: svc.command } : {}),
              ...(svc.args ? { args: svc.args } : {}),
              ...(svc.env
                ? {
                    env: svc.env.map((e) =>
                      "secret" in e
                        ? {
                            name: e.name,
                            valueFrom: { secretKeyRef: { name: LEASE_SECRET_NAME, key: e.secret } },
                          }
                        : { name: e.name, value: e.value },
                    ),
                  }
                : {}),
              ...(svc.ports?.length
                ? {
                    ports: svc.ports.map((p) => ({
                      containerPort: p.port,
                      protocol: p.protocol,
                      ...(p.name ? { name: p.name } : {}),
                    })),
                  }
                : {}),
              ...(svc.readiness ? { readinessProbe: containerProbe(svc.readiness) } : {}),
              ...(svc.liveness ? { livenessProbe: containerProbe(svc.liveness) } : {}),
              // requests = limits: the tenant gets exactly what it paid for (Guaranteed QoS).
              resources: { requests: resources, limits: resources },
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
              volumeMounts: [
                { name: "tmp", mountPath: "/tmp" },
                ...volumes.map((v) => ({ name: `vol-${v.name}`, mountPath: v.mount })),
              ],
            },
          ],
          volumes: [
            { name: "tmp", emptyDir: { sizeLimit: `${svc.resources.storage}Mi` } },
            ...volumes.map((v) => ({
              name: `vol-${v.name}`,
              persistentVolumeClaim: { claimName: `${svc.name}-${v.name}` },
            })),
          ],
        },
      },
    },
  };
}
