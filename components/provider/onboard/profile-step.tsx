"use client";

import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { type Profile, profileSchema } from "@/lib/provider/provider-schemas";
import { NavButtons } from "./nav-buttons";

// Step 2: who the provider is (name, website, contact, region), validated with the server's schema.

export function ProfileStep(props: {
  initial: Profile | null;
  onNext: (p: Profile) => Promise<void>;
  onBack: () => void;
}) {
  const [form, setForm] = useState({
    name: props.initial?.name ?? "",
    website: props.initial?.website ?? "",
    contact: props.initial?.contact ?? "",
    region: props.initial?.region ?? "",
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = profileSchema.safeParse(form);
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await props.onNext(parsed.data);
    } finally {
      setBusy(false);
    }
  };
  const field = (key: keyof typeof form, label: string, hint: string, type = "text") => (
    <Field label={label} htmlFor={`profile-${key}`} hint={hint} error={errors[key]}>
      <input
        id={`profile-${key}`}
        data-testid={`profile-${key}`}
        type={type}
        className={inputClass}
        value={form[key]}
        aria-invalid={Boolean(errors[key])}
        onChange={(e) => setForm({ ...form, [key]: e.target.value })}
      />
    </Field>
  );
  return (
    <form onSubmit={submit} noValidate>
      <div className="grid gap-4 sm:grid-cols-2">
        {field("name", "Provider name", "What tenants see, e.g. “Nordic Metal”.")}
        {field("website", "Website", "Optional.", "url")}
        {field("contact", "Contact", "An email or handle for operational issues.")}
        {field("region", "Region", "Where the cluster runs, e.g. eu-north-1. Tenants can require it.")}
      </div>
      <NavButtons
        onBack={props.onBack}
        next={
          <Button type="submit" disabled={busy} data-testid="wizard-next">
            {busy ? "Saving…" : "Next"}
          </Button>
        }
      />
    </form>
  );
}
