// A container's environment as the kubelet builds it when it creates the container
// (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables): `envFrom` ConfigMaps and Secrets first (in
// order, with their prefix), then `env` entries overriding them; `$(VAR)` references expanded against
// what is defined before (third_party/forked/golang/expansion); `valueFrom` secretKeyRef,
// configMapKeyRef and fieldRef. A missing Secret/ConfigMap or key that is not `optional` stops the
// container with CreateContainerConfigError and the kubelet's message. Values are never logged.
// Not modelled: the Service links variables (enableServiceLinks) and resourceFieldRef.
import { R } from "./resources";
import type { Store } from "./store";
import type { Obj } from "./util";

export type EnvResult = { env: Record<string, string> } | { error: string };

// validation.IsEnvVarName: what envFrom keys must look like to be exported (others are skipped).
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

const decode = (b64: string) => Buffer.from(b64, "base64").toString("utf8");

/** `$(VAR)` from the variables defined so far; `$$(VAR)` escapes; unknown references stay as written. */
export function expandEnv(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([^)]*)\)/g, (m, name: string | undefined) => {
    if (m === "$$") return "$";
    return name !== undefined && name in env ? (env[name] as string) : m;
  });
}

function fieldValue(pod: Obj, path: string): string {
  const md = pod.metadata ?? {};
  const sub = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (sub) return String(md[sub[1] as string]?.[sub[2] as string] ?? "");
  const known: Record<string, unknown> = {
    "metadata.name": md.name,
    "metadata.namespace": md.namespace,
    "metadata.uid": md.uid,
    "spec.nodeName": pod.spec?.nodeName,
    "spec.serviceAccountName": pod.spec?.serviceAccountName,
    "status.podIP": pod.status?.podIP,
    "status.hostIP": pod.status?.hostIP,
  };
  return String(known[path] ?? "");
}

export function resolveEnv(store: Store, pod: Obj, container: Obj): EnvResult {
  const ns: string = pod.metadata.namespace;
  const env: Record<string, string> = {};
  for (const src of container.envFrom ?? []) {
    const prefix: string = src.prefix ?? "";
    const ref = src.secretRef ?? src.configMapRef;
    if (!ref) continue;
    const isSecret = !!src.secretRef;
    const o = store.get(isSecret ? R.secret : R.cm, ns, ref.name);
    if (!o) {
      if (ref.optional === true) continue;
      return { error: `${isSecret ? "secret" : "configmap"} "${ref.name}" not found` };
    }
    for (const [k, v] of Object.entries<string>(o.data ?? {})) {
      const name = prefix + k;
      if (ENV_NAME.test(name)) env[name] = isSecret ? decode(v) : v;
    }
  }
  for (const e of container.env ?? []) {
    if (e.valueFrom === undefined) {
      env[e.name] = expandEnv(String(e.value ?? ""), env);
      continue;
    }
    const vf = e.valueFrom;
    const ref = vf.secretKeyRef ?? vf.configMapKeyRef;
    if (ref) {
      const isSecret = !!vf.secretKeyRef;
      const o = store.get(isSecret ? R.secret : R.cm, ns, ref.name);
      if (!o) {
        if (ref.optional === true) continue;
        return { error: `${isSecret ? "secret" : "configmap"} "${ref.name}" not found` };
      }
      const raw = o.data?.[ref.key];
      if (raw === undefined) {
        if (ref.optional === true) continue;
        return {
          error: `couldn't find key ${ref.key} in ${isSecret ? "Secret" : "ConfigMap"} ${ns}/${ref.name}`,
        };
      }
      env[e.name] = isSecret ? decode(raw) : String(raw);
    } else if (vf.fieldRef) env[e.name] = fieldValue(pod, String(vf.fieldRef.fieldPath ?? ""));
  }
  return { env };
}

/**
 * Why the kubelet cannot set up a pod's Secret and ConfigMap volumes (a FailedMount event; the pod stays
 * ContainerCreating), or undefined. pkg/volume/secret, pkg/volume/configmap: SetUpAt.
 */
export function mountError(store: Store, pod: Obj): string | undefined {
  for (const v of pod.spec?.volumes ?? []) {
    const isSecret = v.secret !== undefined;
    const src = v.secret ?? v.configMap;
    if (!src) continue;
    const name: string = isSecret ? src.secretName : src.name;
    const o = store.get(isSecret ? R.secret : R.cm, pod.metadata.namespace, name);
    if (!o && src.optional !== true)
      return `MountVolume.SetUp failed for volume "${v.name}" : ${isSecret ? "secret" : "configmap"} "${name}" not found`;
    for (const item of src.items ?? [])
      if (o && o.data?.[item.key] === undefined && src.optional !== true)
        return `MountVolume.SetUp failed for volume "${v.name}" : ${isSecret ? "references non-existent secret key" : "configmap references non-existent config key"}: ${item.key}`;
  }
  return undefined;
}
