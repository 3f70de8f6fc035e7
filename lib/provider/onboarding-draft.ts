import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { providerDrafts } from "@/db/schema";
import type { TlsCheck } from "@/lib/k8s/check-exposure-tls";
import type { ClusterNetwork } from "@/lib/k8s/detect-cluster-network";
import type { IngressClassInfo, StorageClassInfo } from "@/lib/k8s/list-cluster-classes";
import type { ProbeCheck } from "@/lib/k8s/probe-cluster";
import type { Inventory } from "@/lib/k8s/read-inventory";
import type { ExposureSettings } from "./exposure-settings";
import type { BidSettings, Profile } from "./provider-schemas";

export { type BidSettings, bidSettingsSchema, type Profile, profileSchema } from "./provider-schemas";

// The onboarding wizard's draft, one per provider address (provider_drafts), so a provider can leave
// and come back. The kubeconfig is kept only validated and encrypted (kubeconfigEnc), and is never
// sent back to the browser: `publicDraft` replaces it with the server it points at.

export const WIZARD_STEPS = 9;

export interface ProbeResult {
  ok: boolean;
  checks: ProbeCheck[];
  version: string | null;
  metricsApi: boolean;
  inventory: Inventory | null;
  at: string;
  /** Absent on results saved before these checks existed. */
  leastPrivilege?: boolean;
  onlyExcessFailed?: boolean;
  network?: ClusterNetwork | null;
  /** The provider accepted over-privileged credentials (only "excess" checks failed). */
  riskAccepted?: boolean;
  /** What the cluster offers; null when not listable; absent on results saved before these checks. */
  ingressClasses?: IngressClassInfo[] | null;
  storageClasses?: StorageClassInfo[] | null;
  userNamespaces?: boolean;
  /** A DCGM exporter was found (absent on results saved before this check). */
  gpuMetrics?: boolean;
}

export interface DraftData {
  profile?: Profile;
  kubeconfigEnc?: string;
  server?: string;
  clusterName?: string;
  probe?: ProbeResult;
  offerPercent?: number;
  /** Step 6: how lease ports are reached and the storage classes offered, with the TLS check's answer. */
  exposure?: ExposureSettings;
  tlsCheck?: TlsCheck;
  settings?: BidSettings;
}

export interface PublicDraft {
  step: number;
  profile: Profile | null;
  cluster: { server: string; name: string } | null;
  probe: ProbeResult | null;
  offerPercent: number;
  exposure: ExposureSettings | null;
  tlsCheck: TlsCheck | null;
  settings: BidSettings | null;
}

export async function getDraft({
  db,
  address,
}: {
  db: Db;
  address: string;
}): Promise<{ step: number; data: DraftData }> {
  const [row] = await db
    .select()
    .from(providerDrafts)
    .where(eq(providerDrafts.address, address.toLowerCase()));
  return row ? { step: row.step, data: row.data as DraftData } : { step: 2, data: {} };
}

export async function saveDraft(opts: {
  db: Db;
  address: string;
  step: number;
  data: DraftData;
}): Promise<void> {
  const address = opts.address.toLowerCase();
  const step = Math.min(Math.max(opts.step, 1), WIZARD_STEPS);
  await opts.db
    .insert(providerDrafts)
    .values({ address, step, data: opts.data as Record<string, unknown> })
    .onConflictDoUpdate({
      target: providerDrafts.address,
      set: { step, data: opts.data as Record<string, unknown>, updatedAt: new Date() },
    });
}

export function publicDraft(d: { step: number; data: DraftData }): PublicDraft {
  return {
    step: d.step,
    profile: d.data.profile ?? null,
    cluster:
      d.data.kubeconfigEnc && d.data.server
        ? { server: d.data.server, name: d.data.clusterName ?? "cluster" }
        : null,
    probe: d.data.probe ?? null,
    offerPercent: d.data.offerPercent ?? 100,
    exposure: d.data.exposure ?? null,
    tlsCheck: d.data.tlsCheck ?? null,
    settings: d.data.settings ?? null,
  };
}
