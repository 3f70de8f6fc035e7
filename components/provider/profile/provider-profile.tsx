import { ReputationDetails } from "@/components/market/reputation-details";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Table, TBody, THead, Th } from "@/components/ui/table";
import { formatBytes, formatCores, formatDuration } from "@/lib/market/format";
import type { ProviderProfile as Profile, ProviderProfileLease } from "@/lib/market/get-provider-profile";
import { formatTokenAmount } from "@/lib/market/price-order";
import { bondCoverage } from "@/lib/provider/bond-coverage";

// The public page of one provider (/providers/[address]), rendered on the server: who it is, its
// reputation and what the score is made of, its bond, its clusters and regions, and its recent
// leases with how each started, ended and ran. Nothing here needs the browser's JavaScript.

const usd = (v: bigint | string) => `${formatTokenAmount(v)} USD`;
const day = (iso: string) =>
  new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export function ProviderProfile({ profile: p, now }: { profile: Profile; now: number }) {
  return (
    <div className="space-y-6" data-testid="provider-profile" data-address={p.address}>
      <div>
        <div className="flex flex-wrap items-center gap-2">
          <h1 className="text-2xl font-bold tracking-tight">{p.name ?? "Unnamed provider"}</h1>
          {p.registered ? <Badge tone="green">registered</Badge> : <Badge tone="gray">not registered</Badge>}
        </div>
        <p
          className="mt-1 break-all font-mono text-xs text-zinc-600 dark:text-zinc-400"
          data-testid="profile-address"
        >
          {p.address}
        </p>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          {p.regions.length ? p.regions.join(", ") : (p.region ?? "no region")}
          {p.memberSince && <> · on the market since {day(p.memberSince)} UTC</>}
          {p.website && (
            <>
              {" "}
              ·{" "}
              <a
                href={p.website}
                rel="noopener noreferrer nofollow"
                target="_blank"
                className="text-brand-700 underline dark:text-brand-400"
              >
                {p.website.replace(/^https?:\/\//, "")}
              </a>
            </>
          )}
        </p>
      </div>

      <div className="grid gap-6 lg:grid-cols-3">
        <ReputationCard profile={p} />
        <BondSummary profile={p} />
      </div>

      <Card title={`Clusters (${p.clusters.length})`} testId="profile-clusters">
        {p.clusters.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No cluster listed.</p>
        ) : (
          <Table label="Clusters">
            <THead>
              <Th>Cluster</Th>
              <Th>Region</Th>
              <Th>Status</Th>
              <Th>Uptime (30 d)</Th>
              <Th>Capacity</Th>
              <Th>GPUs</Th>
              <Th>Access</Th>
            </THead>
            <TBody>
              {p.clusters.map((c) => (
                <tr key={c.name} data-testid="profile-cluster">
                  <td className="font-medium">{c.name}</td>
                  <td className="whitespace-nowrap">{c.region ?? "—"}</td>
                  <td>
                    <Badge tone={c.status === "up" ? "green" : c.status === "down" ? "red" : "amber"}>
                      {c.status}
                    </Badge>
                  </td>
                  <td className="tabular-nums" data-testid="profile-cluster-uptime">
                    {c.uptimePercent === null ? "—" : `${c.uptimePercent} %`}
                  </td>
                  <td className="tabular-nums">
                    {c.allocatable
                      ? `${formatCores(c.allocatable.cpuMillis)} · ${formatBytes(c.allocatable.memoryBytes)}`
                      : "—"}
                  </td>
                  <td className="text-xs">
                    {c.allocatable?.gpus ? `${c.allocatable.gpus} × ${c.gpuModels.join(", ") || "GPU"}` : "—"}
                  </td>
                  <td>
                    <span className="flex flex-wrap gap-1">
                      <Badge tone={c.leastPrivilege ? "green" : "amber"}>
                        {c.leastPrivilege ? "least privilege" : "broad access"}
                      </Badge>
                      <Badge tone={c.networkIsolation === "enforced" ? "green" : "gray"}>
                        network isolation: {c.networkIsolation === "enforced" ? "enforced" : "not verified"}
                      </Badge>
                    </span>
                  </td>
                </tr>
              ))}
            </TBody>
          </Table>
        )}
      </Card>

      <LeasesCard profile={p} now={now} />
    </div>
  );
}

function ReputationCard({ profile: p }: { profile: Profile }) {
  return (
    <Card className="lg:col-span-2" title="Reputation" testId="profile-reputation">
      {p.reputation ? (
        <ReputationDetails reputation={p.reputation} />
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          No reputation yet: the market has not measured this provider.
        </p>
      )}
    </Card>
  );
}

function BondSummary({ profile: p }: { profile: Profile }) {
  const b = p.bond;
  const coverage = b
    ? bondCoverage(BigInt(b.free), {
        bondBps: BigInt(b.bondBps),
        bondCap: BigInt(b.bondCap),
        unbondingDelay: b.unbondingDelay,
      })
    : null;
  return (
    <Card title="Bond" testId="profile-bond">
      {!b ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          The bond cannot be read from the chain right now.
        </p>
      ) : (
        <div className="space-y-3">
          <dl className="grid grid-cols-2 gap-3 text-sm">
            <BondFigure label="Total" value={usd(b.total)} testId="profile-bond-total" />
            <BondFigure label="Free" value={usd(b.free)} testId="profile-bond-free" />
            <BondFigure label="Locked" value={usd(b.locked)} testId="profile-bond-locked" />
            <BondFigure label="Unbonding" value={usd(b.unbonding)} testId="profile-bond-unbonding" />
          </dl>
          <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="profile-bond-coverage">
            {coverage?.kind === "none"
              ? "No free bond: it cannot win new leases until it deposits more."
              : coverage?.kind === "any"
                ? `Enough to back a lease of any value (each locks at most ${usd(b.bondCap)}).`
                : coverage?.kind === "upTo"
                  ? `Enough to back a lease worth up to ${usd(coverage.maxLeaseValue)}.`
                  : null}{" "}
            A winning bid locks {b.bondBps / 100} % of the lease's value; a lease not started in time, or
            downtime beyond the provider's earnings, is paid to the tenant out of it.
          </p>
        </div>
      )}
    </Card>
  );
}

function BondFigure(props: { label: string; value: string; testId: string }) {
  return (
    <div>
      <dt className="text-xs text-zinc-600 dark:text-zinc-400">{props.label}</dt>
      <dd className="font-semibold tabular-nums" data-testid={props.testId}>
        {props.value}
      </dd>
    </div>
  );
}

const startLabel: Record<
  ProviderProfileLease["start"],
  { text: string; tone: "green" | "red" | "amber" | "gray" }
> = {
  "on-time": { text: "on time", tone: "green" },
  late: { text: "late", tone: "amber" },
  never: { text: "never started", tone: "red" },
  waiting: { text: "starting", tone: "gray" },
};

function LeasesCard({ profile: p, now }: { profile: Profile; now: number }) {
  const measured = p.leases.filter((l) => l.uptimePercent !== null);
  return (
    <Card title={`Recent leases (${p.activeLeases} active)`} testId="profile-leases">
      {p.leases.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No leases yet.</p>
      ) : (
        <div className="space-y-4">
          {measured.length >= 2 && <UptimeChart leases={measured} />}
          <Table label="Recent leases">
            <THead>
              <Th>Lease</Th>
              <Th>Settled (UTC)</Th>
              <Th>Start</Th>
              <Th>End</Th>
              <Th>Uptime</Th>
              <Th>SLA refunds</Th>
              <Th>Price / h</Th>
            </THead>
            <TBody>
              {p.leases.map((l) => {
                const s = startLabel[l.start];
                return (
                  <tr key={l.id} data-testid="profile-lease" data-lease={l.id}>
                    <td>#{l.id}</td>
                    <td className="whitespace-nowrap tabular-nums">{day(l.settledAt)}</td>
                    <td>
                      <Badge tone={s.tone}>{s.text}</Badge>
                      {l.secondsToStart !== null && (
                        <span className="ml-1 text-xs text-zinc-600 dark:text-zinc-400">
                          after {formatDuration(l.secondsToStart)}
                        </span>
                      )}
                    </td>
                    <td className="text-xs">
                      {l.status === "active" ? (
                        l.endsAt && Date.parse(l.endsAt) > now ? (
                          `running, ends in ${formatDuration((Date.parse(l.endsAt) - now) / 1000)}`
                        ) : (
                          "running"
                        )
                      ) : l.endedEarly ? (
                        <Badge tone="amber">ended early</Badge>
                      ) : (
                        "ended"
                      )}
                    </td>
                    <td className="tabular-nums" data-testid="profile-lease-uptime">
                      {l.uptimePercent === null ? "—" : `${l.uptimePercent} %`}
                      {l.downtimeSeconds > 0 && (
                        <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                          {formatDuration(l.downtimeSeconds)} down
                        </span>
                      )}
                    </td>
                    <td className="tabular-nums">{BigInt(l.refunded) === 0n ? "—" : usd(l.refunded)}</td>
                    <td className="tabular-nums">{formatTokenAmount(l.pricePerHour)}</td>
                  </tr>
                );
              })}
            </TBody>
          </Table>
        </div>
      )}
    </Card>
  );
}

/** Uptime of each measured lease, oldest left, as bars from 90 % to 100 % (a chart of the table's column). */
function UptimeChart({ leases }: { leases: ProviderProfileLease[] }) {
  const bars = [...leases].reverse();
  const height = (pct: number) => Math.max(2, Math.min(100, ((pct - 90) / 10) * 100));
  return (
    <figure data-testid="profile-uptime-chart">
      <figcaption className="mb-2 text-xs text-zinc-600 dark:text-zinc-400">
        Uptime of the recent leases, oldest first (scale 90–100 %)
      </figcaption>
      {/* SVG rather than styled divs: the page's CSP refuses inline style attributes in server HTML. */}
      <svg
        viewBox={`0 0 ${bars.length * 10} 100`}
        preserveAspectRatio="none"
        className="h-24 w-full border-b border-zinc-300 dark:border-zinc-700"
        aria-hidden="true"
      >
        {bars.map((l, i) => {
          const pct = l.uptimePercent ?? 100;
          const h = height(pct);
          return (
            <rect
              key={l.id}
              x={i * 10 + 1}
              width={8}
              y={100 - h}
              height={h}
              className={pct >= 99 ? "fill-emerald-500" : pct >= 95 ? "fill-amber-500" : "fill-red-500"}
            >
              <title>{`Lease #${l.id}: ${pct} %`}</title>
            </rect>
          );
        })}
      </svg>
      <p className="sr-only">{bars.map((l) => `Lease ${l.id}: ${l.uptimePercent} % uptime`).join(", ")}.</p>
    </figure>
  );
}
