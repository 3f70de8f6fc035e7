"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useState } from "react";
import { useConfig, useWriteContract } from "wagmi";
import { waitForTransactionReceipt } from "wagmi/actions";
import { useChainSeconds } from "@/components/chain/use-chain-seconds";
import { ReputationDetails } from "@/components/market/reputation-details";
import { usePublicConfig } from "@/components/public-config";
import { Badge } from "@/components/ui/badge";
import { Button, buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorNote, inputClass } from "@/components/ui/field";
import { Spinner } from "@/components/ui/spinner";
import { Table, TBody, THead, Th } from "@/components/ui/table";
import { useSession } from "@/components/wallet/use-session";
import { fetchJson } from "@/lib/api/fetch-json";
import { computeMarketAbi } from "@/lib/chain/generated/contracts";
import type { ProbeCheck } from "@/lib/k8s/probe-cluster";
import { leaseMoneyAt } from "@/lib/lease/lease-money-at";
import { formatBytes, formatCores, formatDuration, shortHex } from "@/lib/market/format";
import { formatTokenAmount } from "@/lib/market/price-order";
import { examplePricePerHour } from "@/lib/provider/bond-coverage";
import { integritySkipCause, summarizeIntegritySkips } from "@/lib/provider/integrity-skips";
import type { ClusterView } from "@/lib/provider/provider-clusters";
import type { ProviderConsole as ConsoleData } from "@/lib/provider/provider-console";
import { readProbeStream } from "@/lib/provider/read-probe-stream";
import { shortMessage } from "@/lib/wagmi/short-message";
import { BondCard } from "./bond/bond-card";
import { ClusterExposurePanel } from "./cluster-exposure-panel";
import { PricingForm } from "./onboard/pricing-step";
import { ProbeChecklist } from "./onboard/probe-checklist";
import { SignInPanel } from "./sign-in-gate";

// The provider console: the bond and reputation, clusters with their capacity over time, leases
// with what they earned, their uptime and SLA refunds, withdrawals (wallet transactions), pricing and
// bid settings, and the bid engine's decision log (with why it skipped orders it could not cover).
// Data comes from /api/provider/console (refreshed every few seconds); exact withdrawable amounts
// are read from the contract.

// recharts is the heaviest part of the console: the charts load right after the page.
const chartPlaceholder = () => (
  <div className="h-full animate-pulse rounded-md bg-zinc-100 dark:bg-zinc-800" />
);
const EarningsChart = dynamic(() => import("./provider-charts").then((m) => m.EarningsChart), {
  ssr: false,
  loading: chartPlaceholder,
});
const CapacityChart = dynamic(() => import("./provider-charts").then((m) => m.CapacityChart), {
  ssr: false,
  loading: chartPlaceholder,
});

const KEY = ["provider-console"];
const time = (iso: string) =>
  new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

export function ProviderConsole(props: { initial: ConsoleData | null }) {
  const { signedIn, sessionAddress, session } = useSession();
  const data = useQuery({
    queryKey: KEY,
    queryFn: () => fetchJson<ConsoleData>("/api/provider/console"),
    enabled: signedIn,
    initialData:
      props.initial && sessionAddress && props.initial.address === sessionAddress.toLowerCase()
        ? props.initial
        : undefined,
    refetchInterval: 3_000,
  });

  if (!signedIn)
    return (
      <div className="mx-auto max-w-2xl space-y-6">
        <h1 className="text-2xl font-bold tracking-tight">Provider console</h1>
        <Card>{session.isLoading ? <Spinner label="Checking your session…" /> : <SignInPanel />}</Card>
      </div>
    );
  if (data.isLoading) return <Spinner label="Loading your console…" />;
  if (data.error) return <ErrorNote>{data.error.message}</ErrorNote>;
  const d = data.data;
  if (!d) return null;

  if (!d.provider && d.clusters.length === 0)
    return (
      <div className="space-y-6">
        <h1 className="text-2xl font-bold tracking-tight">Provider console</h1>
        <EmptyState
          testId="provider-empty"
          title="You have no cluster listed yet"
          action={
            <Link href="/provider/onboard" className={buttonClass()}>
              List your cluster
            </Link>
          }
        >
          Onboard a Kubernetes cluster in a few minutes: KubeBid checks it, lists its spare capacity and bids
          on orders for you.
        </EmptyState>
      </div>
    );

  return (
    <div className="space-y-6" data-testid="provider-console">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{d.provider?.name ?? "Provider console"}</h1>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
            <span className="font-mono">{shortHex(d.address)}</span> · {d.provider?.region ?? "no region"} ·{" "}
            {d.provider?.autoBid ? (
              <Badge tone="green">auto-bid on</Badge>
            ) : (
              <Badge tone="gray">auto-bid off</Badge>
            )}
          </p>
        </div>
        <div className="flex flex-wrap gap-4">
          <Link
            href={`/providers/${d.address}`}
            className="text-sm font-medium text-brand-700 hover:underline dark:text-brand-400"
            data-testid="public-page-link"
          >
            Your public page
          </Link>
          <Link
            href="/provider/onboard"
            className="text-sm font-medium text-brand-700 hover:underline dark:text-brand-400"
          >
            + Add a cluster
          </Link>
        </div>
      </div>
      <Earnings data={d} />
      <BondCard
        provider={d.address as `0x${string}`}
        example={
          d.leases[0]
            ? { pricePerHour: BigInt(d.leases[0].pricePerHour), label: "the price of your latest lease" }
            : examplePricePerHour(d.provider?.pricing)
        }
      />
      <Card
        title="Reputation"
        testId="provider-reputation"
        actions={
          <Link
            href={`/providers/${d.address}`}
            className="text-xs font-medium text-brand-700 hover:underline dark:text-brand-400"
          >
            As tenants see it
          </Link>
        }
      >
        <ReputationDetails reputation={d.reputation} />
      </Card>
      <Card title="Clusters" testId="provider-clusters">
        {d.clusters.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No clusters. Add one to start bidding.</p>
        ) : (
          <div className="space-y-4">
            {d.clusters.map((c) => (
              <ClusterPanel key={c.id} cluster={c} uptimePercent={d.clusterUptime[c.id] ?? null} />
            ))}
          </div>
        )}
      </Card>
      {d.provider?.pricing && (
        <Card title="Pricing and bidding" testId="provider-settings">
          <PricingForm
            testIdPrefix="settings"
            models={[
              ...new Set([
                ...Object.keys(d.provider.pricing.gpuHour),
                ...d.clusters.flatMap((c) => Object.keys(c.latest?.allocatable.gpus ?? {})),
              ]),
            ].filter((m) => m !== "unknown")}
            initial={{
              pricing: d.provider.pricing,
              bidStrategy: d.provider.bidStrategy,
              undercutStep: d.provider.undercutStep,
              autoBid: d.provider.autoBid,
            }}
            submitLabel="Save settings"
            onSubmit={async (settings) => {
              await fetchJson("/api/provider/settings", { method: "PUT", body: settings });
            }}
          />
        </Card>
      )}
      <Card title="Bid engine decisions" testId="provider-decisions">
        <IntegritySkips decisions={d.decisions} />
        {d.decisions.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            No orders seen yet. Decisions appear here as orders come in.
          </p>
        ) : (
          <Table label="Bid engine decisions" dense maxHeight="max-h-96">
            <THead sticky>
              <Th>Time</Th>
              <Th>Order</Th>
              <Th>Action</Th>
              <Th>Reason</Th>
            </THead>
            <TBody>
              {d.decisions.map((x) => (
                <tr key={x.id} data-testid="decision-row" data-order={x.orderId} data-action={x.action}>
                  <td className="tabular-nums text-zinc-600 dark:text-zinc-400">{time(x.at)}</td>
                  <td>#{x.orderId}</td>
                  <td>
                    <Badge tone={x.action === "skip" ? "gray" : x.action === "error" ? "red" : "blue"}>
                      {x.action}
                    </Badge>{" "}
                    {integritySkipCause(x) && <Badge tone="amber">{integritySkipCause(x)}</Badge>}
                  </td>
                  <td>
                    {x.reason}
                    {x.clusterName && (
                      <span className="text-zinc-600 dark:text-zinc-400"> · {x.clusterName}</span>
                    )}
                  </td>
                </tr>
              ))}
            </TBody>
          </Table>
        )}
      </Card>
    </div>
  );
}

function Earnings({ data }: { data: ConsoleData }) {
  const { marketAddress } = usePublicConfig();
  const config = useConfig();
  const queryClient = useQueryClient();
  // What withdraw pays now, from each lease's terms at chain time (the contract's own formula).
  const chainSeconds = useChainSeconds(data.clock);
  const amounts = new Map(data.leases.map((l) => [l.id, leaseMoneyAt(l.terms, chainSeconds).withdrawable]));
  const total = [...amounts.values()].reduce((a, b) => a + b, 0n);
  const { writeContractAsync } = useWriteContract();
  const [status, setStatus] = useState<string | null>(null);
  const withdraw = useMutation({
    mutationFn: async (ids: string[]) => {
      if (!marketAddress) throw new Error("The market contract is not configured.");
      for (const [i, id] of ids.entries()) {
        setStatus(`Confirm withdrawal ${i + 1} of ${ids.length} in your wallet…`);
        const hash = await writeContractAsync({
          address: marketAddress,
          abi: computeMarketAbi,
          functionName: "withdraw",
          args: [BigInt(id)],
        });
        setStatus(`Waiting for confirmation of ${shortHex(hash)}…`);
        const receipt = await waitForTransactionReceipt(config, { hash });
        if (receipt.status !== "success") throw new Error(`The withdrawal of lease #${id} was reverted.`);
      }
    },
    onSettled: () => {
      setStatus(null);
      void queryClient.invalidateQueries({ queryKey: KEY });
    },
  });
  const canWithdraw = (l: ConsoleData["leases"][number]) => (amounts.get(l.id) ?? 0n) > 0n;
  const withdrawableIds = data.leases.filter(canWithdraw).map((l) => l.id);

  return (
    <>
      <div className="grid grid-cols-2 gap-4 sm:grid-cols-4">
        <Stat label="Earned so far" value={formatTokenAmount(data.totals.earned)} testId="stat-earned" />
        <Stat label="Withdrawn" value={formatTokenAmount(data.totals.withdrawn)} testId="stat-withdrawn" />
        <Stat label="Withdrawable now" value={formatTokenAmount(total)} testId="stat-withdrawable" />
        <Stat label="Active leases" value={String(data.totals.activeLeases)} testId="stat-active" />
      </div>
      <Card
        title="Leases"
        testId="provider-leases"
        actions={
          <Button
            data-testid="withdraw-all"
            disabled={withdrawableIds.length === 0 || withdraw.isPending}
            onClick={() => withdraw.mutate(withdrawableIds)}
          >
            {withdraw.isPending
              ? "Withdrawing…"
              : `Withdraw all${total > 0n ? ` (${formatTokenAmount(total)})` : ""}`}
          </Button>
        }
      >
        {status && <Spinner label={status} />}
        {withdraw.error && <ErrorNote testId="withdraw-error">{shortMessage(withdraw.error)}</ErrorNote>}
        {withdraw.isSuccess && !withdraw.isPending && (
          <p
            className="text-sm text-emerald-700 dark:text-emerald-400"
            data-testid="withdraw-done"
            role="status"
          >
            Withdrawn ✓ The tokens are in your wallet.
          </p>
        )}
        {data.leases.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            No leases yet. When the bid engine wins an auction, the lease shows up here.
          </p>
        ) : (
          <Table label="Your leases" dense>
            <THead>
              <Th>Lease</Th>
              <Th>Tenant</Th>
              <Th>Price / h</Th>
              <Th>Started</Th>
              <Th>Status</Th>
              <Th>Uptime</Th>
              <Th>SLA refunds</Th>
              <Th>Earned</Th>
              <Th>Withdrawable</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </THead>
            <TBody>
              {data.leases.map((l) => (
                <tr key={l.id} data-testid="lease-row" data-lease={l.id}>
                  <td>#{l.id}</td>
                  <td className="font-mono text-xs">{shortHex(l.tenant)}</td>
                  <td className="tabular-nums">{formatTokenAmount(l.pricePerHour)}</td>
                  <td className="tabular-nums">{time(l.startedAt)}</td>
                  <td>
                    <Badge tone={l.status === "active" ? "green" : "gray"}>{l.status}</Badge>{" "}
                    <span className="text-xs text-zinc-600 dark:text-zinc-400">{l.deployState}</span>
                  </td>
                  <td className="tabular-nums" data-testid="lease-uptime">
                    {l.uptimePercent === null ? "—" : `${l.uptimePercent} %`}
                    {l.downtimeSeconds > 0 && (
                      <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                        {formatDuration(l.downtimeSeconds)} down
                      </span>
                    )}
                  </td>
                  <td className="tabular-nums" data-testid="lease-refunded">
                    {BigInt(l.refunded) === 0n ? "—" : formatTokenAmount(l.refunded)}
                  </td>
                  <td className="tabular-nums">{formatTokenAmount(l.earned)}</td>
                  <td className="tabular-nums" data-testid="lease-withdrawable">
                    {formatTokenAmount(amounts.get(l.id) ?? 0n)}
                  </td>
                  <td>
                    <Button
                      variant="secondary"
                      className="!px-2 !py-1 text-xs"
                      disabled={!canWithdraw(l) || withdraw.isPending}
                      onClick={() => withdraw.mutate([l.id])}
                    >
                      Withdraw
                    </Button>
                  </td>
                </tr>
              ))}
            </TBody>
          </Table>
        )}
        {data.earnings.length > 1 && (
          <div className="mt-4 h-48" data-testid="earnings-chart">
            <EarningsChart points={data.earnings} />
          </div>
        )}
      </Card>
    </>
  );
}

/** Orders skipped for want of free bond or reputation: how many, the latest reason, and what to do. */
function IntegritySkips({ decisions }: { decisions: ConsoleData["decisions"] }) {
  const summary = summarizeIntegritySkips(decisions);
  if (summary.length === 0) return null;
  return (
    <ul className="mb-4 space-y-2" data-testid="integrity-skips">
      {summary.map((s) => (
        <li
          key={s.cause}
          data-testid="integrity-skip"
          data-cause={s.cause}
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
        >
          <strong>
            {s.orders} {s.orders === 1 ? "order" : "orders"} skipped
            {s.cause === "bond" ? " for lack of free bond" : " for a minimum reputation above yours"}
          </strong>{" "}
          (latest: order #{s.latest.orderId}, {s.latest.reason}).{" "}
          {s.cause === "bond"
            ? "Deposit more bond above to bid on them."
            : "Reputation grows with leases started on time and run without downtime."}
        </li>
      ))}
    </ul>
  );
}

function Stat(props: { label: string; value: string; testId: string }) {
  return (
    <div className="rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="text-xs font-medium uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
        {props.label}
      </div>
      <div className="mt-1 text-xl font-semibold tabular-nums" data-testid={props.testId}>
        {props.value}
      </div>
    </div>
  );
}

export function ClusterPanel({
  cluster: c,
  uptimePercent,
}: {
  cluster: ClusterView;
  /** Share of inventory checks that reached it over the reputation window; undefined: not shown. */
  uptimePercent?: number | null;
}) {
  const queryClient = useQueryClient();
  const [checks, setChecks] = useState<ProbeCheck[] | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [replacing, setReplacing] = useState(false);
  const [yaml, setYaml] = useState("");
  const [error, setError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: KEY });

  const verify = async () => {
    setVerifying(true);
    setChecks([]);
    setError(null);
    try {
      await readProbeStream(`/api/clusters/${c.id}/verify`, (e) => {
        if (e.type === "check" && e.check) setChecks((cs) => [...(cs ?? []), e.check as ProbeCheck]);
        if (e.type === "error") setError(e.message ?? "The checks failed.");
      });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setVerifying(false);
      void refresh();
    }
  };
  const replace = useMutation({
    mutationFn: () =>
      fetchJson<{ ok: boolean; checks: ProbeCheck[] }>(`/api/clusters/${c.id}/kubeconfig`, {
        method: "PUT",
        body: { kubeconfig: yaml },
      }),
    onSuccess: (r) => {
      setChecks(r.checks);
      if (r.ok) {
        setReplacing(false);
        setYaml("");
      } else setError("The new kubeconfig did not pass the checks; the old one is kept.");
      void refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => fetchJson(`/api/clusters/${c.id}`, { method: "DELETE" }),
    onSuccess: () => refresh(),
  });
  const gpuTotal = Object.values(c.latest?.allocatable.gpus ?? {}).reduce((a, b) => a + b, 0);
  const gpuFree = Object.values(c.latest?.free.gpus ?? {}).reduce((a, b) => a + b, 0);

  return (
    <div
      className="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800"
      data-testid="cluster-card"
      data-cluster={c.id}
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex min-w-0 flex-wrap items-center gap-2">
          <Link href={`/provider/clusters/${c.id}`} className="font-semibold hover:underline">
            {c.name}
          </Link>
          <Badge
            tone={c.status === "up" ? "green" : c.status === "down" ? "red" : "amber"}
            testId="cluster-status"
          >
            {c.status}
          </Badge>
          <Badge tone={c.leastPrivilege ? "green" : "amber"} testId="cluster-least-privilege">
            {c.leastPrivilege
              ? "least privilege"
              : c.riskAccepted
                ? "broad access (risk accepted)"
                : "broad access"}
          </Badge>
          <Badge tone={c.networkPolicy === "enforced" ? "green" : "gray"} testId="cluster-network">
            network isolation: {c.networkPolicy === "enforced" ? "enforced" : "not verified"}
          </Badge>
          <span className="text-xs text-zinc-600 dark:text-zinc-400">
            {c.region ?? "no region"} · {c.version ?? "version unknown"} · offering {c.offerPercent}%
            {uptimePercent !== undefined && (
              <span data-testid="cluster-uptime">
                {" "}
                · uptime {uptimePercent === null ? "not measured yet" : `${uptimePercent} % (30 days)`}
              </span>
            )}
          </span>
        </div>
        <div className="flex flex-wrap gap-2">
          <Button
            variant="secondary"
            className="!px-3 !py-1 text-xs"
            onClick={verify}
            disabled={verifying}
            data-testid="cluster-reverify"
          >
            {verifying ? "Checking…" : "Re-verify"}
          </Button>
          <Button
            variant="secondary"
            className="!px-3 !py-1 text-xs"
            onClick={() => setReplacing((v) => !v)}
            aria-expanded={replacing}
          >
            Replace kubeconfig
          </Button>
          <Button
            variant="danger"
            className="!px-3 !py-1 text-xs"
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm(`Remove ${c.name}? The bid engine stops bidding with it.`)) remove.mutate();
            }}
          >
            Remove
          </Button>
        </div>
      </div>
      <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
        <code>{c.server}</code> · last inventory {c.latest ? time(c.latest.takenAt) : "never"}
        {c.lastError && c.status === "down" && (
          <span className="text-red-600 dark:text-red-400"> · {c.lastError}</span>
        )}
      </p>
      {c.latest && (
        <dl className="mt-3 grid grid-cols-3 gap-3 text-sm" data-testid="cluster-capacity">
          <div>
            <dt className="text-xs text-zinc-600 dark:text-zinc-400">CPU free / total</dt>
            <dd className="tabular-nums">
              {formatCores(c.latest.free.cpuMillis, { unit: false })} /{" "}
              {formatCores(c.latest.allocatable.cpuMillis, { unit: false })}
            </dd>
          </div>
          <div>
            <dt className="text-xs text-zinc-600 dark:text-zinc-400">Memory free / total</dt>
            <dd className="tabular-nums">
              {formatBytes(c.latest.free.memoryBytes)} / {formatBytes(c.latest.allocatable.memoryBytes)}
            </dd>
          </div>
          <div>
            <dt className="text-xs text-zinc-600 dark:text-zinc-400">GPUs free / total</dt>
            <dd className="tabular-nums">{gpuTotal ? `${gpuFree} / ${gpuTotal}` : "—"}</dd>
          </div>
        </dl>
      )}
      <ClusterExposurePanel cluster={c} onSaved={() => void refresh()} />
      {c.history.length > 1 && (
        <div className="mt-3 h-40" data-testid="capacity-chart">
          <CapacityChart points={c.history} />
        </div>
      )}
      {replacing && (
        <div className="mt-3 space-y-2">
          <label htmlFor={`replace-${c.id}`} className="text-sm font-medium">
            New kubeconfig (checked before it replaces the current one)
          </label>
          <textarea
            id={`replace-${c.id}`}
            rows={6}
            className={`${inputClass} font-mono text-xs`}
            value={yaml}
            onChange={(e) => setYaml(e.target.value)}
          />
          <Button onClick={() => replace.mutate()} disabled={!yaml.trim() || replace.isPending}>
            {replace.isPending ? "Checking…" : "Check and replace"}
          </Button>
          {replace.error && <ErrorNote>{replace.error.message}</ErrorNote>}
        </div>
      )}
      {checks && (
        <div className="mt-3">
          <ProbeChecklist checks={checks} total={12} running={verifying} />
        </div>
      )}
      {error && (
        <div className="mt-2">
          <ErrorNote>{error}</ErrorNote>
        </div>
      )}
      {remove.error && (
        <div className="mt-2">
          <ErrorNote>{remove.error.message}</ErrorNote>
        </div>
      )}
    </div>
  );
}
