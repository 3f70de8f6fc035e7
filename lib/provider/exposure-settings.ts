import { z } from "zod";
import {
  type ClusterExposure,
  clusterExposureSchema,
  type StorageClassOffer,
  storageClassOfferSchema,
} from "@/lib/k8s/cluster-exposure";
import { formatTokenAmount, parseTokenAmount } from "@/lib/market/price-order";

// A cluster's "Exposure & storage" settings as the wizard and the console edit them: how lease ports
// are reached (clusters.exposure) and which StorageClasses are offered at what price per GiB-hour
// (clusters.storage_classes). One schema for browser and server, the form's text → settings with an
// error per field, and the check against the classes the probe found on the cluster.

export const exposureSettingsSchema = z
  .object({
    exposure: clusterExposureSchema,
    storageClasses: z.array(storageClassOfferSchema).max(32),
  })
  .strict()
  .superRefine((s, ctx) => {
    const e = s.exposure;
    if (e.ingressClass && !e.baseDomain)
      ctx.addIssue({
        code: "custom",
        path: ["exposure", "baseDomain"],
        message: "HTTP exposure needs a wildcard base domain",
      });
    if (!e.ingressClass && e.baseDomain)
      ctx.addIssue({
        code: "custom",
        path: ["exposure", "ingressClass"],
        message: "choose the IngressClass that serves the base domain",
      });
    if (!e.ingressClass && e.tls)
      ctx.addIssue({ code: "custom", path: ["exposure", "tls"], message: "TLS needs an IngressClass" });
    const seen = new Set<string>();
    for (const [i, c] of s.storageClasses.entries()) {
      if (seen.has(c.name))
        ctx.addIssue({ code: "custom", path: ["storageClasses", i, "name"], message: "offered twice" });
      seen.add(c.name);
    }
  });

export type ExposureSettings = z.infer<typeof exposureSettingsSchema>;

/** What the form holds: text as typed. */
export interface ExposureForm {
  ingressClass: string;
  /** As shown: "*.apps.example.com" (a bare "apps.example.com" is accepted too). */
  baseDomain: string;
  tls: "none" | "secret" | "cert-manager";
  tlsSecretNamespace: string;
  tlsSecretName: string;
  issuerKind: "Issuer" | "ClusterIssuer";
  issuer: string;
  ingressNamespace: string;
  ports: ClusterExposure["ports"];
  /** Offered storage classes by name: price per GiB-hour in tokens ("0.0001"). */
  storage: Record<string, string>;
}

export function toExposureForm(s: {
  exposure: ClusterExposure | null;
  storageClasses: StorageClassOffer[];
}): ExposureForm {
  const e = s.exposure;
  return {
    ingressClass: e?.ingressClass ?? "",
    baseDomain: e?.baseDomain ? `*.${e.baseDomain}` : "",
    tls: e?.tls?.kind ?? "none",
    tlsSecretNamespace: e?.tls?.kind === "secret" ? e.tls.namespace : "",
    tlsSecretName: e?.tls?.kind === "secret" ? e.tls.name : "",
    issuerKind: e?.tls?.kind === "cert-manager" ? e.tls.issuerKind : "ClusterIssuer",
    issuer: e?.tls?.kind === "cert-manager" ? e.tls.issuer : "",
    ingressNamespace: e?.ingressNamespace ?? "ingress-nginx",
    ports: e?.ports ?? "none",
    storage: Object.fromEntries(s.storageClasses.map((c) => [c.name, formatTokenAmount(c.pricePerGiBHour)])),
  };
}

/** Form field of each schema path, for inline errors. */
function fieldOf(path: PropertyKey[]): string {
  const [root, key, sub] = path.map(String);
  if (root === "storageClasses") return `storage:${key}`;
  if (key === "tls")
    return sub === "namespace"
      ? "tlsSecretNamespace"
      : sub === "name"
        ? "tlsSecretName"
        : sub === "issuer"
          ? "issuer"
          : "tls";
  return key ?? "form";
}

export function parseExposureForm(
  form: ExposureForm,
  storageOrder: readonly string[] = Object.keys(form.storage),
): { settings: ExposureSettings | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const domain = form.baseDomain.trim().toLowerCase().replace(/^\*\./, "");
  const storageClasses = storageOrder
    .filter((name) => form.storage[name] !== undefined)
    .map((name) => {
      const text = (form.storage[name] ?? "").trim().replace(",", ".");
      try {
        return { name, pricePerGiBHour: parseTokenAmount(text).toString() };
      } catch (e) {
        errors[`storage:${name}`] = `Enter a price like 0.0001 (${(e as Error).message})`;
        return { name, pricePerGiBHour: "0" };
      }
    });
  const candidate = {
    exposure: {
      ingressClass: form.ingressClass || null,
      ingressNamespace: form.ingressNamespace.trim(),
      baseDomain: domain || null,
      tls:
        form.tls === "secret"
          ? { kind: "secret", namespace: form.tlsSecretNamespace.trim(), name: form.tlsSecretName.trim() }
          : form.tls === "cert-manager"
            ? { kind: "cert-manager", issuerKind: form.issuerKind, issuer: form.issuer.trim() }
            : null,
      ports: form.ports,
    },
    storageClasses,
  };
  const parsed = exposureSettingsSchema.safeParse(candidate);
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const field = fieldOf(issue.path);
      // The shared schema's name patterns carry no message of their own (the domain's does).
      const message =
        issue.code === "invalid_format" && field !== "baseDomain"
          ? field === "ingressNamespace" || field === "tlsSecretNamespace"
            ? "lower-case letters, digits and '-'"
            : "lower-case letters, digits, '-' and '.'"
          : issue.message;
      errors[field] ??= message;
    }
  if (Object.keys(errors).length > 0 || !parsed.success) return { settings: null, errors };
  return { settings: parsed.data, errors };
}

/** Names the settings use that the probe did not find on the cluster (lists it could not read: no check). */
export function unknownClasses(
  s: ExposureSettings,
  found: { ingressClasses?: { name: string }[] | null; storageClasses?: { name: string }[] | null },
): Record<string, string> {
  const errors: Record<string, string> = {};
  const ingress = s.exposure.ingressClass;
  if (ingress && found.ingressClasses && !found.ingressClasses.some((c) => c.name === ingress))
    errors.ingressClass = `The cluster has no IngressClass "${ingress}".`;
  if (found.storageClasses)
    for (const c of s.storageClasses)
      if (!found.storageClasses.some((f) => f.name === c.name))
        errors[`storage:${c.name}`] = `The cluster has no StorageClass "${c.name}".`;
  return errors;
}
