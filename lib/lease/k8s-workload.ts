import "server-only";
import { applyLeaseWorkload } from "@/lib/k8s/apply-lease-workload";
import { teardownLeaseWorkload } from "@/lib/k8s/teardown-lease-workload";
import { readLeaseUsage, readLeaseView } from "@/lib/lease/read-lease-view";
import type { LeaseWorkload } from "@/lib/lease/workload";

// The real LeaseWorkload: lib/k8s's idempotent server-side apply and namespace teardown, and the
// lease page's view of pods, events, services and usage (one metrics.k8s.io request per poll).

export const k8sLeaseWorkload: LeaseWorkload = {
  async apply(client, lease) {
    const { namespace } = await applyLeaseWorkload(client, lease);
    return { namespace };
  },
  async teardown(client, lease) {
    await teardownLeaseWorkload(client, lease.leaseId);
  },
  status: (client, lease) => readLeaseView(client, lease.leaseId),
  metrics: (client, lease) => readLeaseUsage(client, lease.leaseId),
};
