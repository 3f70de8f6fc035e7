"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { Spinner } from "@/components/ui/spinner";
import { fetchJson } from "@/lib/api/fetch-json";
import type { PublicDraft } from "@/lib/provider/onboarding-draft";
import { CopyBlock } from "./copy-block";
import { NavButtons } from "./nav-buttons";
import type { WizardStepProps } from "./onboard-wizard.types";

// Step 3: the kubeconfig (pasted or uploaded), checked by the server before it is stored, and the
// least-privilege RBAC setup for providers who do not have one yet.

export function ClusterStep(
  props: WizardStepProps & {
    onUploaded: (d: PublicDraft) => void;
    onNext: () => void;
  },
) {
  const [text, setText] = useState("");
  const [name, setName] = useState(props.draft.cluster?.name ?? "");
  const [showRbac, setShowRbac] = useState(false);
  const rbac = useQuery({
    queryKey: ["rbac"],
    queryFn: () => fetchJson<{ yaml: string; commands: string }>("/api/provider/rbac"),
    enabled: showRbac,
  });
  const upload = useMutation({
    mutationFn: () =>
      fetchJson<PublicDraft>("/api/provider/draft/kubeconfig", {
        method: "POST",
        body: { kubeconfig: text, ...(name ? { name } : {}) },
      }),
    onSuccess: props.onUploaded,
  });
  const onFile = async (file: File | undefined) => {
    if (file) setText(await file.text());
  };
  return (
    <div className="space-y-5">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        KubeBid needs a kubeconfig with an embedded token or client certificate for a least-privilege service
        account. Plugins (<code>exec</code>, <code>auth-provider</code>) and file paths are refused: KubeBid
        never runs commands or reads files from a kubeconfig. It is stored encrypted and never shown again.
      </p>
      {props.draft.cluster && (
        <p
          className="rounded-md bg-zinc-50 px-3 py-2 text-sm dark:bg-zinc-800/60"
          data-testid="cluster-current"
        >
          Current: <strong>{props.draft.cluster.name}</strong> at <code>{props.draft.cluster.server}</code>.
          Paste another one to replace it, or go on.
        </p>
      )}
      <Field
        label="Cluster name"
        htmlFor="cluster-name"
        hint="Optional; defaults to the kubeconfig's cluster name."
      >
        <input
          id="cluster-name"
          className={inputClass}
          value={name}
          onChange={(e) => setName(e.target.value.toLowerCase())}
          placeholder="e.g. lab-spare"
        />
      </Field>
      <Field
        label="Kubeconfig"
        htmlFor="kubeconfig"
        error={upload.error ? upload.error.message : null}
        hint="Paste it here, or upload the file."
      >
        <textarea
          id="kubeconfig"
          data-testid="kubeconfig-input"
          rows={10}
          spellCheck={false}
          className={`${inputClass} font-mono text-xs`}
          value={text}
          aria-invalid={Boolean(upload.error)}
          aria-describedby={upload.error ? "kubeconfig-error" : undefined}
          onChange={(e) => {
            setText(e.target.value);
            if (upload.error) upload.reset();
          }}
          placeholder="apiVersion: v1&#10;kind: Config&#10;clusters: …"
        />
      </Field>
      {upload.error && (
        <div data-testid="kubeconfig-error" className="sr-only">
          {upload.error.message}
        </div>
      )}
      <div className="flex flex-wrap items-center gap-3">
        <label className="cursor-pointer rounded-md border border-zinc-300 px-3 py-2 text-sm hover:bg-zinc-50 focus-within:outline-2 focus-within:outline-brand-600 dark:border-zinc-700 dark:hover:bg-zinc-800">
          Upload file…
          <input
            type="file"
            className="sr-only"
            data-testid="kubeconfig-file"
            onChange={(e) => onFile(e.target.files?.[0])}
          />
        </label>
        <Button
          variant="ghost"
          onClick={() => setShowRbac((v) => !v)}
          aria-expanded={showRbac}
          data-testid="rbac-toggle"
        >
          {showRbac ? "Hide" : "Don't have one? Show"} the least-privilege setup
        </Button>
      </div>
      {showRbac && (
        <div className="space-y-3 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
          <p className="text-sm">
            Save this as <code>kubebid-rbac.yaml</code>, then run the commands with your admin kubectl context
            (Kubernetes 1.30 or later). They create a service account that can only do what KubeBid needs and
            write <code>kubebid.kubeconfig</code>. Cluster-wide it may read nodes and pods and create and
            delete its lease namespaces; workload rights come from a role it binds inside each{" "}
            <code>kb-lease-*</code> namespace, and an admission policy stops it from touching anything else or
            weakening a lease namespace's Pod Security.
          </p>
          {rbac.isLoading && <Spinner label="Generating the manifest…" />}
          {rbac.data && (
            <>
              <CopyBlock title="kubebid-rbac.yaml" text={rbac.data.yaml} testId="rbac-yaml" />
              <CopyBlock title="Commands" text={rbac.data.commands} testId="rbac-commands" />
            </>
          )}
        </div>
      )}
      <NavButtons
        onBack={props.onBack}
        next={
          text.trim() ? (
            <Button
              onClick={() => upload.mutate()}
              disabled={upload.isPending}
              data-testid="kubeconfig-submit"
            >
              {upload.isPending ? "Checking…" : "Check and continue"}
            </Button>
          ) : (
            <Button onClick={props.onNext} disabled={!props.draft.cluster} data-testid="wizard-next">
              Next
            </Button>
          )
        }
      />
    </div>
  );
}
