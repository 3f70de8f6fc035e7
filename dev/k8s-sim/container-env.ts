// A container's environment as the kubelet builds it when it creates the container
// (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables): `envFrom` ConfigMaps and Secrets first (in
// order, with their prefix), then `env` entries overriding them; `$(VAR)` references expanded against
// what is defined before (third_party/forked/golang/expansion); `valueFrom` secretKeyRef,
// configMapKeyRef and fieldRef. A missing Secret/ConfigMap or key that is not `optional` stops the
// container with CreateContainerConfigError and the kubelet's message. Values are never logged.
// Then what the runtime adds: PATH from the image (unless set), HOSTNAME. Service links: the
// `kubernetes` Service's variables always, the namespace's Services unless enableServiceLinks is false
// (pkg/kubelet/envvars).
import { R } from "./resources";
import type { Store } from "./store";
import { type Obj, parseQuantity } from "./util";

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

/** Debian/Alpine images' ENV PATH (docker-library Dockerfiles). */
const IMAGE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** `{SVC}_SERVICE_HOST`, `{SVC}_PORT_{port}_{PROTO}`… for one Service (pkg/kubelet/envvars). */
function serviceEnv(svc: Obj): Record<string, string> {
  const ip: string | undefined = svc.spec?.clusterIP;
  if (!ip || ip === "None") return {};
  const name = String(svc.metadata.name).toUpperCase().replace(/-/g, "_");
  const ports: Obj[] = svc.spec?.ports ?? [];
  const out: Record<string, string> = {};
  const first = ports[0];
  if (!first) return out;
  out[`${name}_SERVICE_HOST`] = ip;
  out[`${name}_SERVICE_PORT`] = String(first.port);
  for (const p of ports)
    if (p.name)
      out[`${name}_SERVICE_PORT_${String(p.name).toUpperCase().replace(/-/g, "_")}`] = String(p.port);
  const proto = (p: Obj) => String(p.protocol ?? "TCP").toLowerCase();
  out[`${name}_PORT`] = `${proto(first)}://${ip}:${first.port}`;
  for (const p of ports) {
    const pre = `${name}_PORT_${p.port}_${String(p.protocol ?? "TCP").toUpperCase()}`;
    out[pre] = `${proto(p)}://${ip}:${p.port}`;
    out[`${pre}_PROTO`] = proto(p);
    out[`${pre}_PORT`] = String(p.port);
    out[`${pre}_ADDR`] = ip;
  }
  return out;
}

/** resourceFieldRef: the limit (or request), divided by the divisor and rounded up, as the kubelet does. */
function resourceValue(container: Obj, ref: Obj): string {
  const [kind, res] = String(ref.resource).split(".") as [string, string];
  const q = container.resources?.[kind]?.[res] ?? (kind === "limits" ? undefined : "0");
  const value = q === undefined ? 0 : parseQuantity(String(q));
  const divisor = parseQuantity(String(ref.divisor ?? "1"));
  return String(Math.ceil(value / (divisor || 1)));
}

export function resolveEnv(store: Store, pod: Obj, container: Obj): EnvResult {
  const ns: string = pod.metadata.namespace;
  const env: Record<string, string> = {};
  const master = store.get(R.svc, "default", "kubernetes");
  if (master) Object.assign(env, serviceEnv(master));
  if (pod.spec?.enableServiceLinks !== false)
    for (const svc of store.list(R.svc, ns)) Object.assign(env, serviceEnv(svc));
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
    else if (vf.resourceFieldRef) env[e.name] = resourceValue(container, vf.resourceFieldRef);
  }
  env.PATH ??= IMAGE_PATH;
  env.HOSTNAME = pod.spec?.hostname ?? pod.metadata.name;
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
