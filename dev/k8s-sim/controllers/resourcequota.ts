// ResourceQuota controller: keeps status.hard/status.used of every quota up to date.
import { quotaUsage } from "../quota";
import { R } from "../resources";
import { formatQuantity } from "../util";
import type { ControllerContext } from "./context";

export function resourceQuotaStatus(ctx: ControllerContext): void {
  for (const q of ctx.store.list(R.quota)) {
    const hard = q.spec?.hard ?? {};
    const used = quotaUsage(ctx.store, q.metadata.namespace, hard);
    ctx.store.mutate(R.quota, q.metadata.namespace, q.metadata.name, (x) => {
      x.status = {
        hard: { ...hard },
        used: Object.fromEntries(Object.entries(used).map(([k, v]) => [k, formatQuantity(k, v)])),
      };
    });
  }
}
