"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { useAccount } from "wagmi";
import { fetchJson } from "@/lib/api/fetch-json";
import { buildOrder } from "@/lib/market/build-order";
import { type DraftManifest, sealDraft } from "@/lib/market/draft-manifest";
import { biddersFromScreening } from "@/lib/market/estimate-auction-price";
import {
  DEFAULT_INTEGRITY_TERMS,
  integrityOrderOptions,
  parseIntegrityTerms,
  reputationReach,
} from "@/lib/market/integrity-terms";
import { manifestServices, manifestTotals } from "@/lib/market/manifest";
import { quoteOrderTerms } from "@/lib/market/quote-order-terms";
import { screenOrder } from "@/lib/market/screen-order";
import { type DeployTemplate, deployTemplates } from "@/lib/market/templates";
import { validateManifestDraft } from "@/lib/market/validate-manifest-draft";
import type { ManifestView, Offers, TermsText } from "./deploy-form.types";
import { ReviewStep } from "./review-step";
import { ScreeningStep } from "./screening-step";
import { TemplateStep } from "./template-step";
import { TermsStep } from "./terms-step";
import { type SubmitMode, useSubmitOrder } from "./use-submit-order";
import { WorkloadStep } from "./workload-step";

// The deploy page: a template, the manifest (form or YAML/JSON, one schema, inline errors), the
// terms (duration, bid window, max price, deposit, region), screening of every provider against
// them, then approve → sign → submit → confirmed, and on to the auction. This file holds the state
// and the data flow; each step is its own file beside it (documenso's document-flow layout).

/** Each provider's attested reputation by address, or null when the offers carry none. */
function reputationScores(offers: Offers["offers"]): Map<string, number> | null {
  if (!offers.some((o) => o.reputation !== undefined)) return null;
  return new Map(offers.map((o) => [o.address.toLowerCase(), o.reputation ?? 0]));
}

export function DeployForm(props: { initialOffers: Offers }) {
  const router = useRouter();
  const { status } = useAccount();
  const offersQuery = useQuery({
    queryKey: ["offers"],
    queryFn: () => fetchJson<Offers>("/api/market/offers"),
    initialData: props.initialOffers,
    refetchInterval: 15_000,
  });
  const offers = offersQuery.data;

  const [template, setTemplate] = useState<DeployTemplate["id"]>("web");
  const [draft, setDraft] = useState<unknown>(() => structuredClone(deployTemplates[0]?.manifest));
  const [view, setView] = useState<ManifestView>("form");
  // YAML/JSON text that does not parse: the draft is the last text that did, so signing waits.
  const [textError, setTextError] = useState<string | null>(null);
  const [terms, setTerms] = useState<TermsText>({
    durationHours: "1",
    bidWindow: "20",
    region: "",
    maxPrice: null,
    deposit: null,
    ...DEFAULT_INTEGRITY_TERMS,
  });
  const [mode, setMode] = useState<SubmitMode>("wallet");
  const submitter = useSubmitOrder();
  const region = terms.region;

  // The draft (secret values included) is React state only: never stored in the browser or the URL.
  const { manifest, issues, hasSecrets } = useMemo(() => validateManifestDraft(draft), [draft]);
  const totals = manifest ? manifestTotals(manifest) : null;

  const regions = useMemo(
    () =>
      [
        ...new Set(
          offers.offers.flatMap((o) =>
            o.clusters.map((c) => c.region ?? o.region).filter((r): r is string => Boolean(r)),
          ),
        ),
      ].sort(),
    [offers],
  );
  // Some cluster exposes GPU utilisation (a DCGM exporter): the autoscale fields say whether it exists.
  const gpuMetrics = offers.offers.some((o) => o.clusters.some((c) => c.gpuMetrics === true));
  const gpuModels = useMemo(
    () =>
      [
        ...new Set(
          offers.offers.flatMap((o) =>
            o.clusters.flatMap((c) => c.nodes.map((n) => n.gpuModel).filter((m): m is string => Boolean(m))),
          ),
        ),
      ].sort(),
    [offers],
  );

  // Screening without a price cap first: it gives the rates, from which the suggested max price comes.
  const screeningInput = useMemo(
    () => (manifest ? { manifest, region: region || null } : null),
    [manifest, region],
  );
  const uncapped = useMemo(
    () => (screeningInput ? screenOrder(offers.offers, { ...screeningInput, maxPricePerHour: null }) : []),
    [offers, screeningInput],
  );
  const bidders = useMemo(() => biddersFromScreening(uncapped, offers.offers), [uncapped, offers]);
  // Memoized: the estimate plays the auction out (simulateAuction), not free on every keystroke.
  const cpuMillis = totals?.cpuMillis ?? null;
  const quote = useMemo(
    () =>
      quoteOrderTerms({
        rates: uncapped
          .filter((r) => r.eligible && r.pricePerHour !== null)
          .map((r) => r.pricePerHour as bigint),
        bidders,
        recentPrices: offers.recentPrices,
        cpuMillis,
        durationHours: terms.durationHours,
        bidWindowSeconds: terms.bidWindow,
        maxPriceText: terms.maxPrice,
        depositText: terms.deposit,
      }),
    [uncapped, bidders, offers, cpuMillis, terms],
  );
  const maxPrice = quote.maxPricePerHour;
  const integrity = parseIntegrityTerms(terms);

  const screening = useMemo(
    () =>
      screeningInput ? screenOrder(offers.offers, { ...screeningInput, maxPricePerHour: maxPrice }) : [],
    [offers, screeningInput, maxPrice],
  );
  const eligible = screening.filter((s) => s.eligible).length;
  const reputation = useMemo(
    () => reputationReach(screening, reputationScores(offers.offers), integrity.fields?.minReputation ?? 0),
    [screening, offers, integrity.fields?.minReputation],
  );

  const chooseTemplate = (t: DeployTemplate) => {
    setTemplate(t.id);
    setDraft(structuredClone(t.manifest));
    setTerms((s) => ({
      ...s,
      durationHours: String(t.durationSeconds / 3600),
      bidWindow: String(t.bidWindowSeconds),
      maxPrice: null,
      deposit: null,
    }));
  };

  const onSubmit = async () => {
    const { deposit, durationSeconds, bidWindowSeconds } = quote;
    if (
      !manifest ||
      textError ||
      !quote.valid ||
      !integrity.fields ||
      maxPrice === null ||
      deposit === null ||
      !submitter.address
    )
      return;
    // Secret values are salted and hashed into the manifest here, afresh for every signature; the
    // values go to the server once, beside the signed manifest.
    const sealed = sealDraft(draft as DraftManifest);
    const built = buildOrder({
      tenant: submitter.address,
      manifest: sealed.manifest,
      maxPricePerHour: maxPrice,
      deposit,
      durationSeconds,
      bidWindowSeconds,
      region: region || null,
      ...integrityOrderOptions(integrity.fields),
    });
    const id = await submitter.submit({
      order: built.order,
      manifest: built.manifest,
      secrets: sealed.secrets,
      mode,
    });
    if (id) router.push(`/orders/${id}`);
  };

  // With secrets, the hash is fixed only at signing (each value is salted afresh then).
  const specHash =
    manifest && !hasSecrets
      ? buildOrder({
          tenant: "0x0000000000000000000000000000000000000000",
          manifest,
          maxPricePerHour: 1n,
          deposit: 1n,
          durationSeconds: 1,
          bidWindowSeconds: 1,
          nonce: 0n,
          deadline: 0n,
        }).specHash
      : null;

  return (
    <div className="space-y-6">
      <TemplateStep selected={template} onChoose={chooseTemplate} />
      <div className="grid gap-6 lg:grid-cols-5">
        <WorkloadStep
          className="lg:col-span-3"
          draft={draft}
          onChange={setDraft}
          onParseError={setTextError}
          view={view}
          onView={(v) => {
            setTextError(null);
            setView(v);
          }}
          manifest={manifest}
          issues={issues}
          totals={totals}
          specHash={specHash}
          hashAtSigning={hasSecrets}
          gpuModels={gpuModels}
          gpuMetrics={gpuMetrics}
        />
        <TermsStep
          className="lg:col-span-2"
          text={terms}
          onText={(patch) => setTerms((s) => ({ ...s, ...patch }))}
          quote={quote}
          integrity={integrity}
          reputation={reputation}
          regions={regions}
          mode={mode}
          onMode={setMode}
        />
      </div>
      <ScreeningStep screening={screening} />
      <ReviewStep
        manifest={textError ? null : manifest}
        totals={totals}
        secretNames={manifest ? manifestServices(manifest).secrets.map((s) => s.name) : []}
        region={region}
        quote={quote}
        integrity={integrity}
        mode={mode}
        submitter={submitter}
        connected={status === "connected"}
        eligible={eligible}
        onSubmit={onSubmit}
      />
    </div>
  );
}
