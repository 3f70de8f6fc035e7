// The environment a container's processes see, as the kubelet builds it
// (pkg/kubelet/kubelet_pods.go, makeEnvironmentVariables): service links, envFrom, env with
// $(VAR) expansion and valueFrom, then what the runtime adds (PATH from the image, HOSTNAME, HOME).
// Secret values are part of it: they are the container's own environment.
import type { ClusterState } from "./cluster";
import { findRes, R } from "./resources";
import { type Obj, parseQuantity } from "./util";

/** Debian/Alpine images' ENV PATH (docker-library Dockerfiles). */
const IMAGE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const CONFIGMAPS = findRes("", "v1", "configmaps")!;

/** $(VAR) expansion as third_party/forked/golang/expansion: `$$` escapes, unknown references stay. */
export function expandRefs(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name?: string) =>
    name === undefined ? "$" : (vars[name] ?? m),
  );
}

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

function fieldRef(pod: Obj, path: string): string | undefined {
  const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (label) return pod.metadata?.[label[1]!]?.[label[2]!] ?? "";
  const fields: Record<string, unknown> = {
    "metadata.name": pod.metadata?.name,
    "metadata.namespace": pod.metadata?.namespace,
    "metadata.uid": pod.metadata?.uid,
    "spec.nodeName": pod.spec?.nodeName,
    "spec.serviceAccountName": pod.spec?.serviceAccountName,
    "status.hostIP": pod.status?.hostIP,
    "status.podIP": pod.status?.podIP,
  };
  const v = fields[path];
  return v === undefined ? undefined : String(v ?? "");
}

/** resourceFieldRef: the limit (or request), divided by the divisor and rounded up, as the kubelet does. */
function resourceRef(container: Obj, ref: Obj): string {
  const [kind, res] = String(ref.resource).split(".") as [string, string];
  const q = container.resources?.[kind]?.[res] ?? (kind === "limits" ? undefined : "0");
  const value = q === undefined ? 0 : parseQuantity(String(q));
  const divisor = parseQuantity(String(ref.divisor ?? "1"));
  return String(Math.ceil(value / (divisor || 1)));
}

/** The container's environment (name → value) as its processes see it. */
export function containerEnv(st: ClusterState, pod: Obj, container: Obj): Record<string, string> {
  const ns: string = pod.metadata.namespace;
  const env: Record<string, string> = { PATH: IMAGE_PATH };
  env.HOSTNAME = pod.spec?.hostname ?? pod.metadata.name;
  // The master service's variables go to every pod; the namespace's services only with service links.
  const master = st.get(R.svc, "default", "kubernetes");
  if (master) Object.assign(env, serviceEnv(master));
  if (pod.spec?.enableServiceLinks !== false)
    for (const svc of st.list(R.svc, ns)) Object.assign(env, serviceEnv(svc));
  const data = (kind: "secret" | "configmap", name: string): Record<string, string> | undefined => {
    const o = st.get(kind === "secret" ? R.secret : CONFIGMAPS, ns, name);
    if (!o) return undefined;
    const out: Record<string, string> = { ...(kind === "secret" ? (o.stringData ?? {}) : {}) };
    for (const [k, v] of Object.entries<string>(o.data ?? {}))
      out[k] = kind === "secret" ? Buffer.from(v, "base64").toString("utf8") : v;
    return out;
  };
  for (const from of container.envFrom ?? []) {
    const ref = from.secretRef ?? from.configMapRef;
    const values = ref ? data(from.secretRef ? "secret" : "configmap", ref.name) : undefined;
    for (const [k, v] of Object.entries(values ?? {})) env[`${from.prefix ?? ""}${k}`] = v;
  }
  for (const e of container.env ?? []) {
    if (typeof e.value === "string" || !e.valueFrom) {
      env[e.name] = expandRefs(String(e.value ?? ""), env);
      continue;
    }
    const vf: Obj = e.valueFrom;
    let v: string | undefined;
    if (vf.fieldRef) v = fieldRef(pod, vf.fieldRef.fieldPath);
    else if (vf.resourceFieldRef) v = resourceRef(container, vf.resourceFieldRef);
    else if (vf.secretKeyRef) v = data("secret", vf.secretKeyRef.name)?.[vf.secretKeyRef.key];
    else if (vf.configMapKeyRef) v = data("configmap", vf.configMapKeyRef.name)?.[vf.configMapKeyRef.key];
    // A missing optional reference leaves the variable out (a required one keeps the container from starting).
    if (v !== undefined) env[e.name] = v;
  }
  return env;
}
