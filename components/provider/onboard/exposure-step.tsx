"use client";

import { useState } from "react";
import { ErrorNote, Field, inputClass } from "@/components/ui/field";
import { Table, TBody, THead, Th } from "@/components/ui/table";
import { ApiError } from "@/lib/api/fetch-json";
import type { TlsCheck } from "@/lib/k8s/check-exposure-tls";
import type { IngressClassInfo, StorageClassInfo } from "@/lib/k8s/list-cluster-classes";
import {
  type ExposureSettings,
  type ExposureForm as FormState,
  parseExposureForm,
  toExposureForm,
} from "@/lib/provider/exposure-settings";
import type { PublicDraft } from "@/lib/provider/onboarding-draft";
import { FormFooter } from "./nav-buttons";
import type { WizardStepProps } from "./onboard-wizard.types";

// "Exposure & storage", shared by the wizard's step 6 and the console's cluster page: how tenants
// reach a lease (HTTP through one of the cluster's IngressClasses on a wildcard domain, with TLS;
// TCP/UDP through NodePorts or LoadBalancers) and which of the cluster's StorageClasses are offered
// at what price per GiB-hour. Choices come from the classes the probe found; the server checks them
// again and verifies the TLS as far as KubeBid may (its answer shows under the TLS choice).

const DEFAULT_STORAGE_PRICE = "0.0001";

export function ExposureForm(props: {
  ingressClasses: IngressClassInfo[] | null;
  storageClasses: StorageClassInfo[] | null;
  initial: ExposureSettings | null;
  tlsCheck: TlsCheck | null;
  submitLabel: string;
  onSubmit: (s: ExposureSettings) => Promise<void>;
  onBack?: () => void;
  /** Test id prefix ("exposure" in the wizard, "cluster-exposure" in the console). */
  idPrefix?: string;
}) {
  const p = props.idPrefix ?? "exposure";
  const [form, setForm] = useState<FormState>(() =>
    toExposureForm(
      props.initial ?? {
        exposure: {
          ingressClass: props.ingressClasses?.find((c) => c.isDefault)?.name ?? null,
          ingressNamespace: "ingress-nginx",
          baseDomain: null,
          tls: null,
          ports: "none",
        },
        storageClasses: [],
      },
    ),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const set = (patch: Partial<FormState>) => {
    setSaved(false);
    setForm((f) => ({ ...f, ...patch }));
  };
  const storageOrder = (props.storageClasses ?? []).map((c) => c.name);
  const domain = form.baseDomain.trim().replace(/^\*\./, "") || "apps.example.com";
  const http = form.ingressClass !== "";

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const r = parseExposureForm(form, storageOrder);
    setErrors(r.errors);
    setSubmitError(null);
    if (!r.settings) return;
    setBusy(true);
    try {
      await props.onSubmit(r.settings);
      setSaved(true);
    } catch (err) {
      const fields =
        err instanceof ApiError ? (err.details as { fields?: Record<string, string> })?.fields : null;
      if (fields) setErrors(fields);
      else setSubmitError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const radio = (
    name: string,
    value: string,
    checked: boolean,
    onChange: () => void,
    label: React.ReactNode,
  ) => (
    <label className="flex items-start gap-3 text-sm">
      <input
        type="radio"
        name={`${p}-${name}`}
        checked={checked}
        onChange={onChange}
        data-testid={`${p}-${name}-${value}`}
        className="mt-1 accent-brand-600"
      />
      <span>{label}</span>
    </label>
  );

  return (
    <form onSubmit={submit} noValidate className="space-y-6" data-testid={`${p}-form`}>
      <fieldset className="space-y-4">
        <legend className="mb-1 text-sm font-semibold">HTTP exposure</legend>
        <Field
          label="IngressClass"
          htmlFor={`${p}-ingress-class`}
          error={errors.ingressClass}
          hint={
            props.ingressClasses === null
              ? "KubeBid could not list the cluster's IngressClasses: verify the cluster again after applying the RBAC manifest."
              : http
                ? `Each exposed HTTP port of a lease gets its own host: <service>-<lease>.${domain}.`
                : "None: leases' HTTP ports are reachable only inside their namespace."
          }
        >
          <select
            id={`${p}-ingress-class`}
            data-testid={`${p}-ingress-class`}
            className={inputClass}
            value={form.ingressClass}
            onChange={(e) => set({ ingressClass: e.target.value })}
          >
            <option value="">none (no HTTP exposure)</option>
            {(props.ingressClasses ?? []).map((c) => (
              <option key={c.name} value={c.name}>
                {c.name} ({c.controller}
                {c.isDefault ? ", default" : ""})
              </option>
            ))}
          </select>
        </Field>
        {http && (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label="Wildcard base domain"
              htmlFor={`${p}-base-domain`}
              error={errors.baseDomain}
              hint="Point this wildcard's DNS at your ingress controller's address."
            >
              <input
                id={`${p}-base-domain`}
                data-testid={`${p}-base-domain`}
                className={inputClass}
                placeholder="*.apps.example.com"
                value={form.baseDomain}
                onChange={(e) => set({ baseDomain: e.target.value })}
              />
            </Field>
            <Field
              label="Ingress controller namespace"
              htmlFor={`${p}-ingress-namespace`}
              error={errors.ingressNamespace}
              hint="Lease network policies admit traffic from this namespace only."
            >
              <input
                id={`${p}-ingress-namespace`}
                data-testid={`${p}-ingress-namespace`}
                className={inputClass}
                value={form.ingressNamespace}
                onChange={(e) => set({ ingressNamespace: e.target.value })}
              />
            </Field>
          </div>
        )}
      </fieldset>

      {http && (
        <fieldset className="space-y-3">
          <legend className="mb-1 text-sm font-semibold">TLS for lease hosts</legend>
          {radio(
            "tls",
            "none",
            form.tls === "none",
            () => set({ tls: "none" }),
            <>
              <strong>None.</strong> Tenants get http://&lt;service&gt;-&lt;lease&gt;.{domain}.
            </>,
          )}
          {radio(
            "tls",
            "secret",
            form.tls === "secret",
            () => set({ tls: "secret" }),
            <>
              <strong>Wildcard certificate Secret.</strong> Tenants get https:// with your certificate for *.
              {domain}.
            </>,
          )}
          {form.tls === "secret" && (
            <div className="grid gap-4 pl-7 sm:grid-cols-2">
              <Field
                label="Secret namespace"
                htmlFor={`${p}-tls-namespace`}
                error={errors.tlsSecretNamespace}
              >
                <input
                  id={`${p}-tls-namespace`}
                  data-testid={`${p}-tls-namespace`}
                  className={inputClass}
                  value={form.tlsSecretNamespace}
                  onChange={(e) => set({ tlsSecretNamespace: e.target.value })}
                />
              </Field>
              <Field label="Secret name" htmlFor={`${p}-tls-name`} error={errors.tlsSecretName}>
                <input
                  id={`${p}-tls-name`}
                  data-testid={`${p}-tls-name`}
                  className={inputClass}
                  value={form.tlsSecretName}
                  onChange={(e) => set({ tlsSecretName: e.target.value })}
                />
              </Field>
            </div>
          )}
          {form.tls === "secret" && (
            <p className="pl-7 text-xs text-zinc-600 dark:text-zinc-400">
              KubeBid's credentials may not read Secrets (by design), so this certificate shows as "not
              verified": make sure it is a kubernetes.io/tls Secret for *.{domain}.
            </p>
          )}
          {radio(
            "tls",
            "cert-manager",
            form.tls === "cert-manager",
            () => set({ tls: "cert-manager" }),
            <>
              <strong>cert-manager.</strong> Tenants get https:// with a certificate issued per host.
            </>,
          )}
          {form.tls === "cert-manager" && (
            <div className="grid gap-4 pl-7 sm:grid-cols-2">
              <Field label="Issuer kind" htmlFor={`${p}-issuer-kind`}>
                <select
                  id={`${p}-issuer-kind`}
                  data-testid={`${p}-issuer-kind`}
                  className={inputClass}
                  value={form.issuerKind}
                  onChange={(e) => set({ issuerKind: e.target.value as FormState["issuerKind"] })}
                >
                  <option>ClusterIssuer</option>
                  <option>Issuer</option>
                </select>
              </Field>
              <Field label="Issuer name" htmlFor={`${p}-issuer`} error={errors.issuer}>
                <input
                  id={`${p}-issuer`}
                  data-testid={`${p}-issuer`}
                  className={inputClass}
                  value={form.issuer}
                  onChange={(e) => set({ issuer: e.target.value })}
                />
              </Field>
            </div>
          )}
          {errors.tls && <ErrorNote>{errors.tls}</ErrorNote>}
          {props.tlsCheck && props.tlsCheck.status !== "none" && (
            <p
              data-testid={`${p}-tls-check`}
              data-status={props.tlsCheck.status}
              className={`text-sm ${props.tlsCheck.status === "verified" ? "text-emerald-700 dark:text-emerald-400" : "text-amber-800 dark:text-amber-300"}`}
            >
              TLS {props.tlsCheck.status === "verified" ? "verified" : "not verified"}:{" "}
              {props.tlsCheck.detail}
            </p>
          )}
        </fieldset>
      )}

      <fieldset className="space-y-3">
        <legend className="mb-1 text-sm font-semibold">TCP and UDP ports</legend>
        {radio(
          "ports",
          "none",
          form.ports === "none",
          () => set({ ports: "none" }),
          <>
            <strong>None.</strong> TCP/UDP ports are reachable only inside the lease.
          </>,
        )}
        {radio(
          "ports",
          "nodeport",
          form.ports === "nodeport",
          () => set({ ports: "nodeport" }),
          <>
            <strong>NodePort.</strong> Tenants get a port in 30000–32767 on your nodes' addresses.
          </>,
        )}
        {radio(
          "ports",
          "loadbalancer",
          form.ports === "loadbalancer",
          () => set({ ports: "loadbalancer" }),
          <>
            <strong>LoadBalancer.</strong> Tenants get their own address from your load balancer, on the port
            they asked for.
          </>,
        )}
      </fieldset>

      <fieldset>
        <legend className="mb-1 text-sm font-semibold">Persistent volumes</legend>
        <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
          Tenants may ask for volumes of the classes you offer, paid per GiB-hour for as long as the lease
          runs (tokens).
        </p>
        {props.storageClasses === null ? (
          <ErrorNote>
            KubeBid could not list the cluster's StorageClasses: verify the cluster again after applying the
            RBAC manifest.
          </ErrorNote>
        ) : props.storageClasses.length === 0 ? (
          <p className="text-sm">The cluster has no StorageClass: no volumes can be offered.</p>
        ) : (
          <Table label="Storage classes" testId={`${p}-storage`} dense>
            <THead>
              <Th>Offer</Th>
              <Th>StorageClass</Th>
              <Th>Provisioner</Th>
              <Th>Price / GiB·h</Th>
            </THead>
            <TBody>
              {props.storageClasses.map((c) => {
                const offered = form.storage[c.name] !== undefined;
                const err = errors[`storage:${c.name}`];
                return (
                  <tr key={c.name}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Offer ${c.name}`}
                        data-testid={`${p}-storage-offer-${c.name}`}
                        checked={offered}
                        className="accent-brand-600"
                        onChange={(e) => {
                          const storage = { ...form.storage };
                          if (e.target.checked) storage[c.name] = DEFAULT_STORAGE_PRICE;
                          else delete storage[c.name];
                          set({ storage });
                        }}
                      />
                    </td>
                    <td className="font-mono text-xs">
                      {c.name}
                      {c.isDefault ? " (default)" : ""}
                    </td>
                    <td className="text-xs">
                      {c.provisioner}, {c.volumeBindingMode}
                      {c.allowVolumeExpansion ? ", expandable" : ""}
                    </td>
                    <td>
                      {offered && (
                        <>
                          <input
                            aria-label={`Price per GiB-hour of ${c.name}`}
                            aria-invalid={err ? true : undefined}
                            data-testid={`${p}-storage-price-${c.name}`}
                            inputMode="decimal"
                            className={`${inputClass} max-w-32`}
                            value={form.storage[c.name]}
                            onChange={(e) => set({ storage: { ...form.storage, [c.name]: e.target.value } })}
                          />
                          {err && (
                            <p role="alert" className="mt-1 text-xs text-red-600 dark:text-red-400">
                              {err}
                            </p>
                          )}
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </TBody>
          </Table>
        )}
      </fieldset>

      {submitError && <ErrorNote>{submitError}</ErrorNote>}
      <FormFooter
        onBack={props.onBack}
        saved={saved}
        busy={busy}
        busyLabel="Checking…"
        submitLabel={props.submitLabel}
        saveTestId={`${p}-save`}
      />
    </form>
  );
}

/** The wizard's step: a TLS the server could not verify is shown once before moving on. */
export function ExposureStep(
  props: WizardStepProps & { onSave: (s: ExposureSettings) => Promise<PublicDraft>; onNext: () => void },
) {
  const [shown, setShown] = useState<{ tls: string; check: TlsCheck } | null>(null);
  return (
    <ExposureForm
      ingressClasses={props.draft.probe?.ingressClasses ?? null}
      storageClasses={props.draft.probe?.storageClasses ?? null}
      initial={props.draft.exposure}
      tlsCheck={shown?.check ?? props.draft.tlsCheck}
      submitLabel={shown ? "Continue without verified TLS" : "Next"}
      onSubmit={async (s) => {
        const d = await props.onSave(s);
        const tls = JSON.stringify(s.exposure.tls);
        const check = d.tlsCheck;
        if (check && check.status !== "verified" && check.status !== "none" && shown?.tls !== tls) {
          setShown({ tls, check });
          return;
        }
        props.onNext();
      }}
      onBack={props.onBack}
    />
  );
}
