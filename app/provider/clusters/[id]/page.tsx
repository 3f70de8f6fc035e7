import type { Metadata } from "next";
import { ClusterPage } from "@/components/provider/cluster-page";
import { getDb } from "@/db";
import { isAppError } from "@/lib/errors";
import { getOwnCluster, listProviderClusters } from "@/lib/provider/provider-clusters";
import { readPageSession } from "@/lib/provider/read-page-session";

export const metadata: Metadata = { title: "Cluster" };

export default async function ClusterDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const db = await getDb();
  const address = await readPageSession(db);
  if (!address) return <ClusterPage state="signed-out" />;
  if (!/^[0-9a-f-]{36}$/i.test(id)) return <ClusterPage state="not-found" />;
  try {
    await getOwnCluster({ db, id, address });
  } catch (error) {
    if (isAppError(error) && error.code === "FORBIDDEN") return <ClusterPage state="forbidden" />;
    if (isAppError(error) && error.code === "NOT_FOUND") return <ClusterPage state="not-found" />;
    throw error;
  }
  const cluster = (await listProviderClusters({ db, address })).find((c) => c.id === id);
  return cluster ? <ClusterPage state="ok" cluster={cluster} /> : <ClusterPage state="not-found" />;
}
