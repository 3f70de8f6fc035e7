"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorNote, Field, inputClass } from "@/components/ui/field";
import { type AlertSettingsView, emailCodeSchema, emailSchema } from "@/lib/alerts/alert-kinds";
import { fetchJson } from "@/lib/api/fetch-json";

// The alert email address: typed, sent a 6-digit code, confirmed with it. Alerts go there only once
// it is verified; a new address replaces (and unverifies) the old one.

export function EmailSection(props: { settings: AlertSettingsView }) {
  const { settings } = props;
  const queryClient = useQueryClient();
  const [email, setEmail] = useState(settings.email ?? "");
  const [code, setCode] = useState("");
  const [touched, setTouched] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["alert-settings"] });

  const parsedEmail = emailSchema.safeParse(email);
  const emailError =
    touched && !parsedEmail.success ? `Email ${parsedEmail.error.issues[0]?.message}.` : null;
  const parsedCode = emailCodeSchema.safeParse(code);
  const codeError =
    code !== "" && !parsedCode.success ? `Code ${parsedCode.error.issues[0]?.message}.` : null;

  const send = useMutation({
    mutationFn: (address: string | null) =>
      fetchJson("/api/alerts/email", { method: "POST", body: { email: address } }),
    onSuccess: () => {
      setCode("");
      refresh();
    },
  });
  const verify = useMutation({
    mutationFn: () => fetchJson("/api/alerts/email/verify", { method: "POST", body: { code: code.trim() } }),
    onSuccess: refresh,
  });

  if (!settings.emailAvailable)
    return (
      <Card title="Email">
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Email alerts are off on this server (no SMTP server is configured).
        </p>
      </Card>
    );

  return (
    <Card
      title="Email"
      testId="alert-email"
      actions={
        settings.email &&
        (settings.emailVerified ? (
          <Badge tone="green" testId="email-status">
            Verified
          </Badge>
        ) : (
          <Badge tone="amber" testId="email-status">
            Not verified
          </Badge>
        ))
      }
    >
      <div className="space-y-4">
        <form
          className="flex flex-col gap-2 sm:flex-row sm:items-start"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setTouched(true);
            if (parsedEmail.success) send.mutate(parsedEmail.data);
          }}
        >
          <div className="flex-1">
            <Field
              label="Email address"
              htmlFor="alert-email-input"
              error={emailError}
              hint="We mail a 6-digit code; alerts go there once you type it back."
            >
              <input
                id="alert-email-input"
                data-testid="alert-email-input"
                type="email"
                autoComplete="email"
                className={inputClass}
                value={email}
                aria-invalid={Boolean(emailError)}
                aria-describedby={emailError ? "alert-email-input-error" : undefined}
                onBlur={() => setTouched(email !== "")}
                onChange={(e) => setEmail(e.target.value)}
              />
            </Field>
          </div>
          <div className="flex gap-2 sm:mt-6">
            <Button
              type="submit"
              variant="secondary"
              data-testid="alert-email-send"
              disabled={send.isPending}
            >
              {send.isPending ? "Sending…" : settings.emailPending ? "Send a new code" : "Send code"}
            </Button>
            {settings.email && (
              <Button variant="ghost" disabled={send.isPending} onClick={() => send.mutate(null)}>
                Remove
              </Button>
            )}
          </div>
        </form>
        {send.error && <ErrorNote>{send.error.message}</ErrorNote>}
        {settings.emailPending && (
          <form
            className="flex flex-col gap-2 sm:flex-row sm:items-start"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              if (parsedCode.success) verify.mutate();
            }}
          >
            <div className="sm:max-w-48">
              <Field label={`Code sent to ${settings.email}`} htmlFor="alert-email-code" error={codeError}>
                <input
                  id="alert-email-code"
                  data-testid="alert-email-code"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={6}
                  className={`${inputClass} font-mono tracking-widest`}
                  value={code}
                  aria-invalid={Boolean(codeError)}
                  aria-describedby={codeError ? "alert-email-code-error" : undefined}
                  onChange={(e) => setCode(e.target.value.replace(/\D/g, ""))}
                />
              </Field>
            </div>
            <Button
              type="submit"
              className="sm:mt-6"
              data-testid="alert-email-verify"
              disabled={!parsedCode.success || verify.isPending}
            >
              {verify.isPending ? "Checking…" : "Verify"}
            </Button>
          </form>
        )}
        {verify.error && <ErrorNote testId="alert-email-verify-error">{verify.error.message}</ErrorNote>}
      </div>
    </Card>
  );
}
