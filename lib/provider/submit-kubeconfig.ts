import "server-only";
import { and, eq, ne } from "drizzle-orm";
import type { Db } from "@/db/client";
import { clusters } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { dialOptions, getClusterSettings } from "@/lib/k8s/cluster-settings";
import { encryptKubeconfig } from "@/lib/k8s/kubeconfig-crypto";
import { type ValidatedKubeconfig, validateKubeconfig } from "@/lib/k8s/validate-kubeconfig";

// Kubeconfig intake for the wizard and for "replace the kubeconfig": validated (refusals carry a
// message the provider can act on), checked not to be a cluster somebody else already listed, and
// encrypted. Nothing is stored here; the caller decides where the ciphertext goes.

export async function intakeKubeconfig(opts: {
  db: Db;
  address: string;
  yaml: string;
  /** When replacing: the cluster being replaced may keep its own server. */
  replacing?: string;
}): Promise<{ validated: ValidatedKubeconfig; enc: string }> {
  const secrets = getClusterSettings();
  const validated = validateKubeconfig(opts.yaml, dialOptions(secrets));
  const taken = await opts.db
    .select({ id: clusters.id, provider: clusters.providerAddress })
    .from(clusters)
    .where(
      opts.replacing
        ? and(eq(clusters.server, validated.server), ne(clusters.id, opts.replacing))
        : eq(clusters.server, validated.server),
    );
  if (taken.length > 0)
    throw new AppError(
      "CONFLICT",
      taken.some((t) => t.provider === opts.address.toLowerCase())
        ? "You have already listed this cluster."
        : "This cluster is already listed by another provider.",
    );
  return { validated, enc: encryptKubeconfig(validated, secrets.key) };
}
