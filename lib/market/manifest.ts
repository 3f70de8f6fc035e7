import { type Hex, keccak256, stringToBytes } from "viem";
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

export const manifestSchema = z
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

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestInput = z.input<typeof manifestSchema>;

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

/** What the whole workload needs: per-replica resources times replicas. */
export function manifestTotals(manifest: Manifest) {
  const r = manifest.resources;
  return {
    cpuMillis: r.cpu * manifest.replicas,
    memoryMiB: r.memory * manifest.replicas,
    storageMiB: r.storage * manifest.replicas,
    gpuCount: r.gpu.count * manifest.replicas,
    gpuModel: r.gpu.model ?? null,
  };
}
