import { concatHex, type Hex, keccak256, stringToBytes, toHex } from "viem";
import { z } from "zod";

// The one definition of a tenant's workload manifest, its canonical JSON form and its hash.
// The browser hashes it before signing (the hash is the order's `specHash`), the server stores it
// only next to a valid signature over that hash, and the lease controller deploys it only if the
// hash still matches. Resources are per replica; `manifestTotals` gives what the order must buy.

const dnsLabel = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, "lowercase letters, digits and '-', starting with a letter");

const envName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "letters, digits and '_', not starting with a digit");

// A conservative image reference: [registry[:port]/]path[:tag][@sha256:digest]
const imageRef = z
  .string()
  .min(1)
  .max(255)
  .regex(
    /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(@sha256:[a-f0-9]{64})?$/,
    "not a valid container image reference (e.g. nginx:1.27 or ghcr.io/org/app:v1)",
  );

const gpuModelSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-'");

const manifestPortSchema = z
  .object({
    // Container port names are IANA service names (kube-apiserver's IsValidPortName): at most 15
    // characters, at least one letter, and no "--" on top of the DNS-label rules.
    name: dnsLabel
      .max(15)
      .refine((n) => !n.includes("--"), "no consecutive hyphens (an IANA service name)")
      .optional(),
    port: z.number().int().min(1).max(65535),
    protocol: z.enum(["TCP", "UDP"]).default("TCP"),
    expose: z.boolean().default(true),
  })
  .strict();

const manifestResourcesSchema = z
  .object({
    /** CPU in millicores per replica. */
    cpu: z.number().int().min(10, "at least 10m CPU").max(256_000),
    /** Memory in MiB per replica. */
    memory: z.number().int().min(16, "at least 16 MiB").max(2_097_152),
    /** Ephemeral storage in MiB per replica. */
    storage: z.number().int().min(0).max(16_777_216).default(1024),
    gpu: z
      .object({ count: z.number().int().min(0).max(16), model: gpuModelSchema.optional() })
      .strict()
      .default({ count: 0 }),
  })
  .strict();

/**
 * How the workload's containers run. Optional, and left out of the canonical JSON when absent, so
 * manifests that do not use it keep their hash. The default is what common images need: Pod Security
 * `baseline`, the image's own user, a writable root filesystem (see lib/k8s/build-lease-objects.ts).
 */
const manifestSecuritySchema = z
  .object({
    /** `restricted`: the lease namespace enforces Pod Security restricted (non-root, no added capability but NET_BIND_SERVICE). */
    podSecurity: z.enum(["baseline", "restricted"]).optional(),
    /** uid the processes run as, instead of the image's USER. */
    runAsUser: z.number().int().min(0).max(2_147_483_647).optional(),
    /** The kubelet refuses to start a container whose user would be root. */
    runAsNonRoot: z.boolean().optional(),
    /** Mount the image read-only (images that write outside /tmp then fail to start). */
    readOnlyRootFilesystem: z.boolean().optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.runAsUser === 0 && (s.runAsNonRoot === true || s.podSecurity === "restricted"))
      ctx.addIssue({
        code: "custom",
        path: ["runAsUser"],
        message:
          s.podSecurity === "restricted"
            ? "Pod Security restricted does not allow runAsUser 0"
            : "runAsNonRoot cannot run as user 0",
      });
    if (s.runAsNonRoot === false && s.podSecurity === "restricted")
      ctx.addIssue({
        code: "custom",
        path: ["runAsNonRoot"],
        message: "Pod Security restricted requires runAsNonRoot",
      });
  });

const manifestV1Schema = z
  .object({
    version: z.literal(1).default(1),
    name: dnsLabel,
    image: imageRef,
    command: z.array(z.string().max(4096)).max(64).optional(),
    args: z.array(z.string().max(4096)).max(64).optional(),
    env: z
      .array(z.object({ name: envName, value: z.string().max(32_768) }).strict())
      .max(128)
      .refine(
        (env) => new Set(env.map((e) => e.name)).size === env.length,
        "environment names must be unique",
      )
      .optional(),
    ports: z
      .array(manifestPortSchema)
      .max(16)
      .refine(
        (ports) => new Set(ports.map((p) => `${p.port}/${p.protocol}`)).size === ports.length,
        "ports must be unique",
      )
      .refine((ports) => {
        const names = ports.flatMap((p) => (p.name ? [p.name] : []));
        return new Set(names).size === names.length;
      }, "port names must be unique")
      .optional(),
    resources: manifestResourcesSchema,
    replicas: z.number().int().min(1).max(20).default(1),
    security: manifestSecuritySchema.optional(),
  })
  .strict();

export type ManifestV1 = z.infer<typeof manifestV1Schema>;

// ---------------------------------------------------------------------------------------------
// Manifest v2: a deployment of several services (an SDL Akash users recognise). Every rule below
// mirrors a kube-apiserver validation of the object the service becomes (lib/k8s/build-lease-objects.ts),
// or is stricter, so that a paid lease never fails with a 422 at apply time. Sources:
// k8s.io/apimachinery/pkg/util/validation (IsDNS1035Label, IsValidPortName, IsCIdentifier),
// k8s.io/kubernetes/pkg/apis/core/validation (validateProbe, validateContainerPorts, volume mounts).
// ---------------------------------------------------------------------------------------------

/** A Service name (DNS-1035 label). ≤ 40 so that `<service>-<lease id>` stays one DNS label (≤ 63). */
const serviceName = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, "lowercase letters, digits and '-', starting with a letter");

/** IANA service name, kube-apiserver's IsValidPortName. */
const portName = z
  .string()
  .min(1)
  .max(15, "at most 15 characters (an IANA service name)")
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "lowercase letters, digits and '-'")
  .refine((n) => /[a-z]/.test(n), "must contain a letter")
  .refine((n) => !n.includes("--"), "no consecutive hyphens (an IANA service name)");

/** How a port is reached: `http` → an Ingress host, `tcp`/`udp` → a NodePort (when the provider offers
 * them), `internal` → only from the other services of the deployment. */
export const EXPOSE_KINDS = ["http", "tcp", "udp", "internal"] as const;

const manifestV2PortSchema = z
  .object({
    name: portName.optional(),
    port: z.number().int().min(1).max(65535),
    protocol: z.enum(["TCP", "UDP"]).default("TCP"),
    expose: z.enum(EXPOSE_KINDS).default("internal"),
  })
  .strict()
  .superRefine((p, ctx) => {
    if ((p.expose === "http" || p.expose === "tcp") && p.protocol !== "TCP")
      ctx.addIssue({ code: "custom", path: ["expose"], message: `expose ${p.expose} needs protocol TCP` });
    if (p.expose === "udp" && p.protocol !== "UDP")
      ctx.addIssue({ code: "custom", path: ["expose"], message: "expose udp needs protocol UDP" });
  });

/** A probe's port: a number or the name of one of the service's ports (checked against them below). */
const probePort = z.union([z.number().int().min(1).max(65535), portName]);

const probeSchema = z
  .object({
    http: z
      .object({
        path: z
          .string()
          .min(1)
          .max(1024)
          .regex(/^\/[\x21-\x7e]*$/, "an absolute path without spaces, e.g. /healthz"),
        port: probePort,
      })
      .strict()
      .optional(),
    tcp: z.object({ port: probePort }).strict().optional(),
    exec: z
      .object({ command: z.array(z.string().min(1).max(4096)).min(1).max(64) })
      .strict()
      .optional(),
    initialDelaySeconds: z.number().int().min(0).max(3600).optional(),
    periodSeconds: z.number().int().min(1).max(3600).optional(),
    timeoutSeconds: z.number().int().min(1).max(3600).optional(),
    failureThreshold: z.number().int().min(1).max(100).optional(),
    successThreshold: z.number().int().min(1).max(100).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const handlers = [p.http, p.tcp, p.exec].filter(Boolean).length;
    if (handlers !== 1)
      ctx.addIssue({
        code: "custom",
        path: [],
        message: "a check needs exactly one of http, tcp or exec",
      });
  });

const mountPath = z
  .string()
  .min(2)
  .max(1024)
  .regex(/^\/[^\0:]*$/, "an absolute path")
  .refine((p) => !p.split("/").includes(".."), "may not contain '..'")
  .refine((p) => !p.endsWith("/"), "no trailing '/'");

/** A StorageClass name (DNS-1123 subdomain). */
const storageClassName = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    "a StorageClass name: lowercase letters, digits, '-' and '.'",
  );

const volumeSchema = z
  .object({
    /** DNS-1123 label (the PVC is `<service>-<volume>`). */
    name: z
      .string()
      .min(1)
      .max(20)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "lowercase letters, digits and '-'"),
    mount: mountPath,
    /** Size in MiB (a PVC request of 0 is refused by kube-apiserver). */
    size: z.number().int().min(1, "a volume needs at least 1 MiB").max(16_777_216),
    /** One of the StorageClasses the provider offers (checked by screening, not here). */
    storageClass: storageClassName,
  })
  .strict();

/** Env var: a plain value, or a reference to one of the deployment's secrets. */
const envVarSchema = z.union([
  z.object({ name: envName, value: z.string().max(32_768) }).strict(),
  z.object({ name: envName, secret: z.lazy(() => secretName) }).strict(),
]);

const secretName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "lowercase letters, digits and '-'");

/** What the hash commits to for a secret: keccak256(salt ‖ utf8(value)), see `secretDigest`. */
const sealedSecretSchema = z
  .object({
    name: secretName,
    digest: z.string().regex(/^0x[0-9a-f]{64}$/, "a 0x-prefixed lowercase 32-byte hash"),
  })
  .strict();

const serviceSecuritySchema = z
  .object({
    runAsUser: z.number().int().min(0).max(2_147_483_647).optional(),
    runAsNonRoot: z.boolean().optional(),
    readOnlyRootFilesystem: z.boolean().optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.runAsUser === 0 && s.runAsNonRoot === true)
      ctx.addIssue({ code: "custom", path: ["runAsUser"], message: "runAsNonRoot cannot run as user 0" });
  });

/**
 * Horizontal autoscaling of a service (an autoscaling/v2 HorizontalPodAutoscaler on its Deployment,
 * lib/k8s/build-lease-objects.ts). kube-apiserver (pkg/apis/autoscaling/validation/validation.go,
 * ValidateHorizontalPodAutoscalerSpec / validateMetricTarget) requires minReplicas ≥ 1,
 * maxReplicas ≥ minReplicas and averageUtilization > 0; we are stricter: max ≤ 20 (the replica cap of
 * a deployment), at least one target (without metrics the HPA defaults to 80 % CPU, a target the
 * tenant never chose) and utilization ≤ 100 % (containers are limited at their request, so usage above
 * the request, and a target above 100 %, can never be reached).
 */
const autoscaleSchema = z
  .object({
    min: z.number().int().min(1, "at least 1 replica").max(20),
    max: z.number().int().min(1).max(20, "at most 20 replicas"),
    cpuPercent: z.number().int().min(1, "between 1 and 100 %").max(100, "between 1 and 100 %").optional(),
    memoryPercent: z.number().int().min(1, "between 1 and 100 %").max(100, "between 1 and 100 %").optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.max < a.min) ctx.addIssue({ code: "custom", path: ["max"], message: "must be at least min" });
    if (a.cpuPercent === undefined && a.memoryPercent === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["cpuPercent"],
        message: "autoscaling needs a CPU or memory target",
      });
  });

export type ManifestAutoscale = z.infer<typeof autoscaleSchema>;

const manifestServiceSchema = z
  .object({
    name: serviceName,
    image: imageRef,
    command: z.array(z.string().max(4096)).max(64).optional(),
    args: z.array(z.string().max(4096)).max(64).optional(),
    env: z
      .array(envVarSchema)
      .max(128)
      .refine(
        (env) => new Set(env.map((e) => e.name)).size === env.length,
        "environment names must be unique",
      )
      .optional(),
    ports: z
      .array(manifestV2PortSchema)
      .max(16)
      .refine(
        (ports) => new Set(ports.map((p) => `${p.port}/${p.protocol}`)).size === ports.length,
        "ports must be unique (port and protocol)",
      )
      .refine((ports) => {
        const names = ports.flatMap((p) => (p.name ? [p.name] : []));
        return new Set(names).size === names.length;
      }, "port names must be unique")
      .optional(),
    replicas: z.number().int().min(1).max(20).default(1),
    /** Absent when unused, so manifests without it keep their hash. `replicas` is then the initial count. */
    autoscale: autoscaleSchema.optional(),
    resources: manifestResourcesSchema,
    readiness: probeSchema.optional(),
    liveness: probeSchema.optional(),
    volumes: z
      .array(volumeSchema)
      .max(8)
      .refine((v) => new Set(v.map((x) => x.name)).size === v.length, "volume names must be unique")
      .refine((v) => new Set(v.map((x) => x.mount)).size === v.length, "mount paths must be unique")
      .optional(),
    security: serviceSecuritySchema.optional(),
  })
  .strict()
  .superRefine((svc, ctx) => {
    const ports = svc.ports ?? [];
    const checkProbe = (key: "readiness" | "liveness") => {
      const p = svc[key];
      if (!p) return;
      const ref = p.http?.port ?? p.tcp?.port;
      const path = [key, p.http ? "http" : "tcp", "port"];
      const named = typeof ref === "string" ? ports.find((x) => x.name === ref) : undefined;
      if (typeof ref === "string" && !named)
        ctx.addIssue({ code: "custom", path, message: `no port named "${ref}" in this service` });
      // kube-apiserver takes any IANA name here, but the kubelet probes over TCP only: a check on a
      // UDP port would fail forever (and restart the container forever, for liveness).
      if (named && named.protocol !== "TCP")
        ctx.addIssue({ code: "custom", path, message: `port "${ref}" is UDP; a check needs a TCP port` });
      if (typeof ref === "number" && !ports.some((x) => x.port === ref && x.protocol === "TCP"))
        ctx.addIssue({ code: "custom", path, message: `port ${ref}/TCP is not one of this service's ports` });
    };
    checkProbe("readiness");
    checkProbe("liveness");
    // kube-apiserver: "must be 1" for liveness (and startup) probes.
    if (svc.liveness?.successThreshold !== undefined && svc.liveness.successThreshold !== 1)
      ctx.addIssue({
        code: "custom",
        path: ["liveness", "successThreshold"],
        message: "must be 1 for a liveness check",
      });
    // A service's public host is `<service>-<lease>.<base domain>` (lib/k8s/cluster-exposure.ts
    // leaseHost): one Ingress rule, so one HTTP port. A second would need a host of its own.
    const http = ports.flatMap((p, i) => (p.expose === "http" ? [i] : []));
    for (const i of http.slice(1))
      ctx.addIssue({
        code: "custom",
        path: ["ports", i, "expose"],
        message: "a service has one public HTTP port (its hostname); expose this one as internal or tcp",
      });
    const volumes = svc.volumes ?? [];
    // A ReadWriteOnce claim is mounted by one pod: a service with a volume runs one replica.
    if (volumes.length > 0 && svc.replicas > 1)
      ctx.addIssue({
        code: "custom",
        path: ["replicas"],
        message: "a service with a persistent volume runs exactly 1 replica",
      });
    if (volumes.length > 0 && svc.autoscale)
      ctx.addIssue({
        code: "custom",
        path: ["autoscale"],
        message: "a service with a persistent volume runs exactly 1 replica, so it cannot autoscale",
      });
    const a = svc.autoscale;
    if (a && a.min <= a.max && (svc.replicas < a.min || svc.replicas > a.max))
      ctx.addIssue({
        code: "custom",
        path: ["replicas"],
        message: `the initial replicas must be between autoscale min ${a.min} and max ${a.max}`,
      });
    volumes.forEach((v, i) => {
      if (v.mount === "/tmp" || v.mount.startsWith("/tmp/"))
        ctx.addIssue({
          code: "custom",
          path: ["volumes", i, "mount"],
          message: "/tmp is the service's scratch space; mount the volume elsewhere",
        });
    });
    // Mount paths may not nest (kubelet refuses overlapping mounts of two volumes).
    for (const a of volumes)
      for (const [j, b] of volumes.entries())
        if (a !== b && b.mount.startsWith(`${a.mount}/`))
          ctx.addIssue({
            code: "custom",
            path: ["volumes", j, "mount"],
            message: `is inside the mount of volume "${a.name}"`,
          });
  });

/** Pod Security for the whole deployment (the lease namespace's level). */
const podSecurityLevel = z.enum(["baseline", "restricted"]);

const manifestV2Object = z
  .object({
    version: z.literal(2),
    /** The deployment's name (shown to the tenant and the provider). */
    name: dnsLabel,
    services: z
      .array(manifestServiceSchema)
      .min(1, "a deployment needs at least one service")
      .max(10)
      .refine((s) => new Set(s.map((x) => x.name)).size === s.length, "service names must be unique"),
    secrets: z
      .array(sealedSecretSchema)
      .max(32)
      .refine((s) => new Set(s.map((x) => x.name)).size === s.length, "secret names must be unique")
      .optional(),
    podSecurity: podSecurityLevel.optional(),
  })
  .strict();

function refineV2(m: z.infer<typeof manifestV2Object>, ctx: z.RefinementCtx): void {
  const restricted = m.podSecurity === "restricted";
  const secretNames = new Set((m.secrets ?? []).map((s) => s.name));
  const used = new Set<string>();
  const gpuModels = new Set<string>();
  let pods = 0;
  m.services.forEach((svc, i) => {
    pods += serviceMaxReplicas(svc);
    (svc.env ?? []).forEach((e, j) => {
      if (!("secret" in e)) return;
      used.add(e.secret);
      if (!secretNames.has(e.secret))
        ctx.addIssue({
          code: "custom",
          path: ["services", i, "env", j, "secret"],
          message: `no secret named "${e.secret}" in this deployment`,
        });
    });
    if (svc.resources.gpu.count > 0 && svc.resources.gpu.model) gpuModels.add(svc.resources.gpu.model);
    if (restricted) {
      if (svc.security?.runAsUser === 0)
        ctx.addIssue({
          code: "custom",
          path: ["services", i, "security", "runAsUser"],
          message: "Pod Security restricted does not allow runAsUser 0",
        });
      if (svc.security?.runAsNonRoot === false)
        ctx.addIssue({
          code: "custom",
          path: ["services", i, "security", "runAsNonRoot"],
          message: "Pod Security restricted requires runAsNonRoot",
        });
    }
  });
  (m.secrets ?? []).forEach((s, i) => {
    if (!used.has(s.name))
      ctx.addIssue({ code: "custom", path: ["secrets", i, "name"], message: "no service uses this secret" });
  });
  // An order names one GPU model (on-chain), so every GPU service must ask for the same one.
  if (gpuModels.size > 1)
    ctx.addIssue({
      code: "custom",
      path: ["services"],
      message: `services ask for different GPU models (${[...gpuModels].join(", ")}); an order names one`,
    });
  if (pods > 20)
    ctx.addIssue({ code: "custom", path: ["services"], message: `at most 20 replicas in all (${pods})` });
}

const manifestV2Schema = manifestV2Object.superRefine(refineV2);

export type ManifestV2 = z.infer<typeof manifestV2Schema>;
export type ManifestService = ManifestV2["services"][number];
export type ManifestPort = z.infer<typeof manifestV2PortSchema>;
export type ManifestProbe = z.infer<typeof probeSchema>;
export type ManifestVolume = z.infer<typeof volumeSchema>;

/**
 * Any manifest: v1 (one container; orders signed before v2 keep their canonical JSON and hash) or v2
 * (`version: 2`). The version field picks the schema, so each error names the field it is about.
 */
export const manifestSchema = z.unknown().transform((input, ctx): ManifestV1 | ManifestV2 => {
  const v2 = input !== null && typeof input === "object" && (input as { version?: unknown }).version === 2;
  const result = (v2 ? manifestV2Schema : manifestV1Schema).safeParse(input);
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.addIssue({ ...issue, code: "custom", message: issue.message });
  return z.NEVER;
});

export type Manifest = ManifestV1 | ManifestV2;
export type ManifestInput = z.input<typeof manifestV1Schema> | z.input<typeof manifestV2Schema>;

export function isManifestV2(m: Manifest): m is ManifestV2 {
  return m.version === 2;
}

/**
 * A v1 manifest seen as a v2 deployment of one service, so deploying, fitting and pricing handle one
 * shape. (Its hash stays the hash of its own canonical JSON.) v1 ports were in a ClusterIP Service
 * only, so they stay `internal`; a v1 `security.podSecurity` becomes the deployment's level.
 */
export function manifestServices(m: Manifest): {
  name: string;
  services: ManifestService[];
  secrets: { name: string; digest: string }[];
  podSecurity: "baseline" | "restricted" | undefined;
} {
  if (isManifestV2(m))
    return { name: m.name, services: m.services, secrets: m.secrets ?? [], podSecurity: m.podSecurity };
  const { podSecurity, ...security } = m.security ?? {};
  return {
    name: m.name,
    podSecurity,
    secrets: [],
    services: [
      {
        name: m.name,
        image: m.image,
        command: m.command,
        args: m.args,
        env: m.env,
        ports: m.ports?.map((p) => ({
          name: p.name,
          port: p.port,
          protocol: p.protocol,
          expose: "internal" as const,
        })),
        replicas: m.replicas,
        resources: m.resources,
        security: Object.keys(security).length ? security : undefined,
      },
    ],
  };
}

/** JSON with object keys sorted at every depth, no whitespace, undefined members dropped. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value))
      throw new Error("non-finite number in manifest");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** Validates (applying defaults) and returns the manifest in canonical form with its hash. */
export function canonicalizeManifest(input: unknown): { manifest: Manifest; json: string; specHash: Hex } {
  const manifest = manifestSchema.parse(input);
  const json = canonicalJson(manifest);
  return { manifest, json, specHash: keccak256(stringToBytes(json)) };
}

/** keccak256 of the canonical JSON of an already validated manifest. */
export function hashManifest(manifest: Manifest): Hex {
  return keccak256(stringToBytes(canonicalJson(manifest)));
}

/**
 * The most pods a service can run: its autoscaling max, else its replicas. What the order buys (and the
 * quota allows), so the autoscaler always has room.
 */
export function serviceMaxReplicas(s: Pick<ManifestService, "replicas" | "autoscale">): number {
  return s.autoscale?.max ?? s.replicas;
}

/**
 * What the whole deployment needs: the sum over services of per-replica resources times replicas
 * (the autoscaling max for an autoscaled service, `serviceMaxReplicas`): what the order buys
 * on-chain, the quota and the price; and its persistent volumes by class.
 */
export function manifestTotals(manifest: Manifest) {
  const { services } = manifestServices(manifest);
  let cpuMillis = 0;
  let memoryMiB = 0;
  let storageMiB = 0;
  let gpuCount = 0;
  let gpuModel: string | null = null;
  let replicas = 0;
  const volumes: { storageClass: string; sizeMiB: number }[] = [];
  for (const s of services) {
    const r = s.resources;
    const n = serviceMaxReplicas(s);
    cpuMillis += r.cpu * n;
    memoryMiB += r.memory * n;
    storageMiB += r.storage * n;
    gpuCount += r.gpu.count * n;
    if (r.gpu.count > 0 && r.gpu.model) gpuModel = r.gpu.model;
    replicas += n;
    for (const v of s.volumes ?? []) {
      const same = volumes.find((x) => x.storageClass === v.storageClass);
      if (same) same.sizeMiB += v.size * s.replicas;
      else volumes.push({ storageClass: v.storageClass, sizeMiB: v.size * s.replicas });
    }
  }
  return {
    cpuMillis,
    memoryMiB,
    storageMiB,
    gpuCount,
    gpuModel,
    /** Pods in all. */
    replicas,
    /** Persistent volume claims in all. */
    volumeCount: services.reduce((n, s) => n + (s.volumes?.length ?? 0) * s.replicas, 0),
    /** Persistent storage per StorageClass, in MiB. */
    volumes,
  };
}

// ---------------------------------------------------------------------------------------------
// Secrets. The tenant's draft carries `secrets: [{ name, value }]`; before hashing, the browser (or
// the CLI) seals each value: a random 32-byte salt, digest = keccak256(salt ‖ utf8(value)). The
// signed manifest holds only `{ name, digest }`; salt and value travel beside it once, are checked
// against the digest, and are stored encrypted. Nothing secret enters the hash, an event or a page.
// ---------------------------------------------------------------------------------------------

export interface SecretValue {
  name: string;
  /** 0x-prefixed 32-byte hex. */
  salt: Hex;
  value: string;
}

export const secretValueSchema = z
  .object({
    name: secretName,
    salt: z.string().regex(/^0x[0-9a-f]{64}$/, "a 0x-prefixed lowercase 32-byte salt"),
    value: z.string().min(1, "a secret cannot be empty").max(32_768),
  })
  .strict();

export function secretDigest(salt: Hex, value: string): Hex {
  return keccak256(concatHex([salt, toHex(stringToBytes(value))]));
}

/** A draft's secret values in, the sealed manifest input and the values (with salts) out. */
export function sealSecrets(
  draft: Record<string, unknown> & { secrets?: { name: string; value: string }[] },
  randomSalt: () => Hex,
): { manifest: Record<string, unknown>; values: SecretValue[] } {
  const values = (draft.secrets ?? []).map((s) => ({ name: s.name, salt: randomSalt(), value: s.value }));
  return {
    manifest: {
      ...draft,
      ...(draft.secrets
        ? { secrets: values.map((v) => ({ name: v.name, digest: secretDigest(v.salt, v.value) })) }
        : {}),
    },
    values,
  };
}
