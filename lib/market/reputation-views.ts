import "server-only";
import type { Db } from "@/db/client";
import { listProviderReputations } from "@/lib/market/reputation";
import { type ReputationView, toReputationView } from "@/lib/market/reputation-view";

// Every provider's reputation for the pages that show many of them at once (the providers table, the
// bids of an auction polled every second), computed once per few seconds per process rather than per
// request: the score moves with cluster checks and lease events, minutes apart. The provider page and
// console read one provider fresh (getProviderReputation).

const FRESH_MS = 5_000;
let cache: { at: number; value: Promise<Map<string, ReputationView>> } | undefined;

export function listReputationViews({
  db,
  fresh,
}: {
  db: Db;
  fresh?: boolean;
}): Promise<Map<string, ReputationView>> {
  const now = Date.now();
  if (!fresh && cache && now - cache.at < FRESH_MS) return cache.value;
  const value = listProviderReputations(db).then(
    (list) => new Map(list.map((r) => [r.address.toLowerCase(), toReputationView(r)])),
  );
  const entry = { at: now, value };
  cache = entry;
  // A failed computation is not kept: the next request tries again.
  value.catch(() => {
    if (cache === entry) cache = undefined;
  });
  return value;
}
