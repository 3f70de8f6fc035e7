import "server-only";
import type { ClusterClient } from "./cluster-client";

// The IngressClasses and StorageClasses of a provider's cluster, as the onboarding wizard offers
// them to choose from and as a declared exposure is checked against. Cluster-wide lists KubeBid's
// ClusterRole grants (required-permissions.ts: ingressclasses, storageclasses).

export interface IngressClassInfo {
  name: string;
  controller: string;
  /** Annotated ingressclass.kubernetes.io/is-default-class: "true". */
  isDefault: boolean;
}

export interface StorageClassInfo {
  name: string;
  provisioner: string;
  /** Annotated storageclass.kubernetes.io/is-default-class: "true". */
  isDefault: boolean;
  volumeBindingMode: "Immediate" | "WaitForFirstConsumer";
  allowVolumeExpansion: boolean;
}

interface Listed {
  items?: Array<{
    metadata?: { name?: string; annotations?: Record<string, string> };
    spec?: { controller?: string };
    provisioner?: string;
    volumeBindingMode?: string;
    allowVolumeExpansion?: boolean;
  }>;
}

// The default-class annotations (networking/v1 IngressClass, storage/v1 StorageClass): only the exact
// string "true" marks a default, as in the API server's admission plugins.
const isDefault = (a: Record<string, string> | undefined, key: string) => a?.[key] === "true";

export async function listIngressClasses(client: ClusterClient): Promise<IngressClassInfo[]> {
  const list = await client.requestJson<Listed>("/apis/networking.k8s.io/v1/ingressclasses");
  return (list.items ?? [])
    .map((i) => ({
      name: i.metadata?.name ?? "",
      controller: i.spec?.controller ?? "",
      isDefault: isDefault(i.metadata?.annotations, "ingressclass.kubernetes.io/is-default-class"),
    }))
    .filter((i) => i.name !== "")
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function listStorageClasses(client: ClusterClient): Promise<StorageClassInfo[]> {
  const list = await client.requestJson<Listed>("/apis/storage.k8s.io/v1/storageclasses");
  return (list.items ?? [])
    .map((s) => ({
      name: s.metadata?.name ?? "",
      provisioner: s.provisioner ?? "",
      isDefault: isDefault(s.metadata?.annotations, "storageclass.kubernetes.io/is-default-class"),
      // Defaulted to Immediate by the API server when unset.
      volumeBindingMode:
        s.volumeBindingMode === "WaitForFirstConsumer"
          ? ("WaitForFirstConsumer" as const)
          : ("Immediate" as const),
      allowVolumeExpansion: s.allowVolumeExpansion === true,
    }))
    .filter((s) => s.name !== "")
    .sort((a, b) => a.name.localeCompare(b.name));
}
