"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorNote, Field, inputClass } from "@/components/ui/field";
import {
  type AlertKind,
  type AlertSettingsView,
  alertKinds,
  alertSettingsInputSchema,
} from "@/lib/alerts/alert-kinds";
import { fetchJson } from "@/lib/api/fetch-json";

// Which alerts, the runway threshold and the webhook. Fields are checked as they are typed with the
// schema the route parses with; a new webhook secret is shown once, right after saving, to copy.

const thresholdSchema = alertSettingsInputSchema.shape.runwayThresholdHours;
const urlSchema = alertSettingsInputSchema.shape.webhookUrl;

function firstIssue(result: { success: boolean; error?: { issues: { message: string }[] } }): string | null {
  return result.success ? null : (result.error?.issues[0]?.message ?? "is not valid");
}

export function AlertPreferencesForm(props: { settings: AlertSettingsView }) {
  const queryClient = useQueryClient();
  const [kinds, setKinds] = useState<AlertKind[]>(props.settings.kinds);
  const [threshold, setThreshold] = useState(String(props.settings.runwayThresholdHours));
  const [url, setUrl] = useState(props.settings.webhookUrl ?? "");
  const [secret, setSecret] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  const thresholdError =
    threshold.trim() === "" ? "is required" : firstIssue(thresholdSchema.safeParse(Number(threshold)));
  const urlError = url.trim() === "" ? null : firstIssue(urlSchema.safeParse(url));
  const invalid = Boolean(thresholdError || urlError);

  const save = useMutation({
    mutationFn: (rotateSecret: boolean) =>
      fetchJson<{ settings: AlertSettingsView; webhookSecret: string | null }>("/api/alerts/settings", {
        method: "PUT",
        body: {
          kinds,
          runwayThresholdHours: Number(threshold),
          webhookUrl: url.trim() === "" ? null : url.trim(),
          rotateSecret,
        },
      }),
    onSuccess: (data) => {
      setSecret(data.webhookSecret);
      setSaved(true);
      queryClient.setQueryData(["alert-settings"], data.settings);
      queryClient.invalidateQueries({ queryKey: ["alert-deliveries"] });
    },
  });
  const test = useMutation({
    mutationFn: () =>
      fetchJson<{ ok: boolean; status: number | null; error: string | null }>("/api/alerts/webhook/test", {
        method: "POST",
      }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["alert-deliveries"] }),
  });

  const toggle = (kind: AlertKind, on: boolean) => {
    setSaved(false);
    setKinds((k) => (on ? [...k, kind] : k.filter((x) => x !== kind)));
  };
  const savedUrl = props.settings.webhookUrl;

  return (
    <Card title="What and where" testId="alert-preferences">
      <form
        className="space-y-6"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!invalid) save.mutate(false);
        }}
      >
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Alert me about</legend>
          {alertKinds.map((k) => (
            <label key={k.kind} className="flex items-start gap-3 text-sm">
              <input
                type="checkbox"
                className="mt-0.5 h-4 w-4 shrink-0 accent-brand-600"
                data-testid={`alert-kind-${k.kind}`}
                checked={kinds.includes(k.kind)}
                onChange={(e) => toggle(k.kind, e.target.checked)}
              />
              <span>
                <span className="font-medium">{k.label}</span>
                <span className="block text-zinc-600 dark:text-zinc-400">{k.description}</span>
              </span>
            </label>
          ))}
        </fieldset>

        <Field
          label="Runway threshold (hours)"
          htmlFor="runway-threshold"
          error={thresholdError ? `Runway threshold ${thresholdError}.` : null}
          hint="Alert when a lease's escrow runs out sooner than this."
        >
          <input
            id="runway-threshold"
            data-testid="runway-threshold"
            inputMode="decimal"
            className={`${inputClass} sm:max-w-40`}
            value={threshold}
            aria-invalid={Boolean(thresholdError)}
            aria-describedby={thresholdError ? "runway-threshold-error" : undefined}
            onChange={(e) => {
              setSaved(false);
              setThreshold(e.target.value);
            }}
          />
        </Field>

        <Field
          label="Webhook URL (optional)"
          htmlFor="webhook-url"
          error={urlError ? `Webhook URL ${urlError}.` : null}
          hint="Each alert is POSTed there as JSON, signed with HMAC-SHA256 (X-KubeBid-Signature over `timestamp.body`, X-KubeBid-Timestamp), retried with backoff."
        >
          <input
            id="webhook-url"
            data-testid="webhook-url"
            type="url"
            inputMode="url"
            autoComplete="off"
            placeholder="https://example.com/hooks/kubebid"
            className={inputClass}
            value={url}
            aria-invalid={Boolean(urlError)}
            aria-describedby={urlError ? "webhook-url-error" : undefined}
            onChange={(e) => {
              setSaved(false);
              setUrl(e.target.value);
            }}
          />
        </Field>

        <div className="flex flex-wrap items-center gap-2">
          <Button type="submit" data-testid="alert-settings-save" disabled={invalid || save.isPending}>
            {save.isPending ? "Saving…" : "Save"}
          </Button>
          {savedUrl && (
            <>
              <Button
                variant="secondary"
                data-testid="webhook-test"
                disabled={test.isPending}
                onClick={() => test.mutate()}
              >
                {test.isPending ? "Sending…" : "Send a test"}
              </Button>
              <Button
                variant="ghost"
                data-testid="webhook-rotate"
                disabled={invalid || save.isPending}
                onClick={() => save.mutate(true)}
              >
                New secret
              </Button>
            </>
          )}
          <span role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
            {saved && !save.isPending ? "Saved." : ""}
          </span>
        </div>
        {save.error && <ErrorNote testId="alert-settings-error">{save.error.message}</ErrorNote>}
        {test.data && (
          <p
            role="status"
            data-testid="webhook-test-result"
            className={`text-sm ${test.data.ok ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}`}
          >
            {test.data.ok
              ? `Your webhook answered ${test.data.status}.`
              : `The test failed: ${test.data.error ?? "no answer"}.`}
          </p>
        )}
        {test.error && <ErrorNote>{test.error.message}</ErrorNote>}
        {secret && (
          <div
            data-testid="webhook-secret"
            className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950"
          >
            <p className="font-medium text-amber-900 dark:text-amber-200">
              Your webhook's signing secret. Copy it now: it is not shown again.
            </p>
            <code className="block break-all rounded bg-white px-2 py-1 font-mono text-xs text-zinc-900 dark:bg-zinc-900 dark:text-zinc-100">
              {secret}
            </code>
            <Button variant="secondary" size="sm" onClick={() => navigator.clipboard?.writeText(secret)}>
              Copy
            </Button>
          </div>
        )}
      </form>
    </Card>
  );
}
