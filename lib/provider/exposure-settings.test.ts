import { describe, expect, it } from "vitest";
import {
  type ExposureForm,
  exposureSettingsSchema,
  parseExposureForm,
  toExposureForm,
  unknownClasses,
} from "./exposure-settings";

const form = (patch: Partial<ExposureForm> = {}): ExposureForm => ({
  ingressClass: "nginx",
  baseDomain: "*.apps.example.com",
  tls: "none",
  tlsSecretNamespace: "",
  tlsSecretName: "",
  issuerKind: "ClusterIssuer",
  issuer: "",
  ingressNamespace: "ingress-nginx",
  ports: "nodeport",
  storage: { standard: "0.0001", "fast-ssd": "0.00025" },
  ...patch,
});

describe("parseExposureForm", () => {
  it("turns the form into settings: the domain without *., prices in base units, classes in cluster order", () => {
    const r = parseExposureForm(form(), ["fast-ssd", "standard"]);
    expect(r.errors).toEqual({});
    expect(r.settings).toEqual({
      exposure: {
        ingressClass: "nginx",
        ingressNamespace: "ingress-nginx",
        baseDomain: "apps.example.com",
        tls: null,
        ports: "nodeport",
      },
      storageClasses: [
        { name: "fast-ssd", pricePerGiBHour: "250" },
        { name: "standard", pricePerGiBHour: "100" },
      ],
    });
  });

  it.each([
    [
      "cert-manager",
      { tls: "cert-manager", issuer: "letsencrypt" },
      { kind: "cert-manager", issuerKind: "ClusterIssuer", issuer: "letsencrypt" },
    ],
    [
      "a secret",
      { tls: "secret", tlsSecretNamespace: "ingress-nginx", tlsSecretName: "wildcard-tls" },
      { kind: "secret", namespace: "ingress-nginx", name: "wildcard-tls" },
    ],
  ] as const)("takes TLS from %s", (_, patch, tls) => {
    expect(parseExposureForm(form(patch)).settings?.exposure.tls).toEqual(tls);
  });

  it("accepts no HTTP exposure and no storage", () => {
    const r = parseExposureForm(form({ ingressClass: "", baseDomain: "", ports: "none", storage: {} }));
    expect(r.settings).toEqual({
      exposure: {
        ingressClass: null,
        ingressNamespace: "ingress-nginx",
        baseDomain: null,
        tls: null,
        ports: "none",
      },
      storageClasses: [],
    });
  });

  it.each([
    [
      "a base domain with one label",
      { baseDomain: "*.localhost" },
      "baseDomain",
      "a domain with at least two labels",
    ],
    [
      "a base domain with a space",
      { baseDomain: "*.apps example.com" },
      "baseDomain",
      "a DNS name like apps.example.com",
    ],
    [
      "a wildcard below the first label",
      { baseDomain: "apps.*.example.com" },
      "baseDomain",
      "a DNS name like apps.example.com",
    ],
    [
      "an ingress class without a domain",
      { baseDomain: "" },
      "baseDomain",
      "HTTP exposure needs a wildcard base domain",
    ],
    [
      "a domain without an ingress class",
      { ingressClass: "" },
      "ingressClass",
      "choose the IngressClass that serves the base domain",
    ],
    [
      "TLS without an ingress class",
      { ingressClass: "", baseDomain: "", tls: "cert-manager", issuer: "x" },
      "tls",
      "TLS needs an IngressClass",
    ],
    [
      "a bad controller namespace",
      { ingressNamespace: "Ingress_Nginx" },
      "ingressNamespace",
      "lower-case letters, digits and '-'",
    ],
    [
      "an empty issuer",
      { tls: "cert-manager", issuer: "" },
      "issuer",
      "lower-case letters, digits, '-' and '.'",
    ],
    [
      "an empty secret name",
      { tls: "secret", tlsSecretNamespace: "ns", tlsSecretName: "" },
      "tlsSecretName",
      "lower-case letters, digits, '-' and '.'",
    ],
    [
      "a bad secret namespace",
      { tls: "secret", tlsSecretNamespace: "a.b", tlsSecretName: "s" },
      "tlsSecretNamespace",
      "lower-case letters, digits and '-'",
    ],
    [
      "a price with 7 decimals",
      { storage: { standard: "0.0000001" } },
      "storage:standard",
      "Enter a price like 0.0001 (at most 6 decimals)",
    ],
    [
      "a negative price",
      { storage: { standard: "-1" } },
      "storage:standard",
      "Enter a price like 0.0001 (not a token amount)",
    ],
  ] as const)("refuses %s, on its field", (_, patch, field, message) => {
    const r = parseExposureForm(form(patch as Partial<ExposureForm>));
    expect(r.settings).toBeNull();
    expect(r.errors[field]).toBe(message);
  });

  it("round-trips through toExposureForm", () => {
    const settings = parseExposureForm(form({ tls: "cert-manager", issuerKind: "Issuer", issuer: "le" }))
      .settings!;
    expect(parseExposureForm(toExposureForm(settings)).settings).toEqual(settings);
    expect(toExposureForm(settings)).toMatchObject({
      baseDomain: "*.apps.example.com",
      storage: { standard: "0.0001", "fast-ssd": "0.00025" },
    });
  });
});

describe("exposureSettingsSchema", () => {
  it("refuses a storage class offered twice, and unknown keys", () => {
    const base = parseExposureForm(form()).settings!;
    expect(
      exposureSettingsSchema.safeParse({
        ...base,
        storageClasses: [base.storageClasses[0], base.storageClasses[0]],
      }).error?.issues[0]?.message,
    ).toBe("offered twice");
    expect(exposureSettingsSchema.safeParse({ ...base, extra: 1 }).success).toBe(false);
  });
});

describe("unknownClasses", () => {
  const settings = parseExposureForm(form()).settings!;
  it("names classes the cluster does not have", () => {
    expect(
      unknownClasses(settings, {
        ingressClasses: [{ name: "traefik" }],
        storageClasses: [{ name: "standard" }],
      }),
    ).toEqual({
      ingressClass: 'The cluster has no IngressClass "nginx".',
      "storage:fast-ssd": 'The cluster has no StorageClass "fast-ssd".',
    });
  });
  it("checks nothing against lists that could not be read", () => {
    expect(unknownClasses(settings, { ingressClasses: null, storageClasses: null })).toEqual({});
  });
});
