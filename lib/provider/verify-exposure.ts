import "server-only";
import { AppError } from "@/lib/errors";
import { checkExposureTls, type TlsCheck } from "@/lib/k8s/check-exposure-tls";
import { createClusterClient } from "@/lib/k8s/cluster-client";
import { dialOptions, getClusterSettings } from "@/lib/k8s/cluster-settings";
import {
  type IngressClassInfo,
  listIngressClasses,
  listStorageClasses,
  type StorageClassInfo,
} from "@/lib/k8s/list-cluster-classes";
import type { ValidatedKubeconfig } from "@/lib/k8s/validate-kubeconfig";
import { type ExposureSettings, unknownClasses } from "./exposure-settings";

// The server's check of a cluster's declared exposure and storage offers before they are saved (the
// wizard's step 6, the console's editor): the IngressClass and StorageClasses must exist on the
// cluster (as the probe listed them, or listed now when `found` is not given), and the TLS is verified
// as far as KubeBid's least-privilege access allows (check-exposure-tls.ts). A refusal is a 422 whose
// details.fields name the form fields at fault.

export interface ClusterClasses {
  ingressClasses: IngressClassInfo[] | null;
  storageClasses: StorageClassInfo[] | null;
}

export async function verifyExposure(opts: {
  kubeconfig: ValidatedKubeconfig;
  settings: ExposureSettings;
  /** The probe's lists; when absent, they are read from the cluster now. */
  found?: ClusterClasses;
}): Promise<{ tls: TlsCheck; classes: ClusterClasses }> {
  const client = createClusterClient(opts.kubeconfig, {
    ...dialOptions(getClusterSettings()),
    timeoutMs: 8_000,
  });
  try {
    const classes = opts.found ?? (await readClusterClasses(client));
    const fields = unknownClasses(opts.settings, classes);
    const tls = await checkExposureTls(client, opts.settings.exposure.tls).catch(
      (): TlsCheck => ({ status: "not-verified", detail: "Not verified: the cluster could not be asked." }),
    );
    if (tls.status === "missing") fields.issuer = tls.detail;
    if (Object.keys(fields).length > 0)
      throw new AppError("UNPROCESSABLE", Object.values(fields)[0] ?? "Check the highlighted fields.", {
        details: { fields },
      });
    return { tls, classes };
  } finally {
    await client.close().catch(() => {});
  }
}

/** Both lists, each null when it cannot be read (KubeBid lacks the optional right, or the API failed). */
export async function readClusterClasses(
  client: Parameters<typeof listIngressClasses>[0],
): Promise<ClusterClasses> {
  const [ingressClasses, storageClasses] = await Promise.all([
    listIngressClasses(client).catch(() => null),
    listStorageClasses(client).catch(() => null),
  ]);
  return { ingressClasses, storageClasses };
}
