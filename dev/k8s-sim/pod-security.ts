// Pod Security admission (the built-in PodSecurity plugin): the Pod Security Standards' checks,
// evaluated for the namespace's enforce / audit / warn levels.
// - Pods: a violation of the enforce level is a 403 `violates PodSecurity "<level>:<version>": …`;
//   otherwise a violation of the warn level is a `Warning` header `would violate PodSecurity …`.
// - Workload objects (Deployment, ReplicaSet): never refused, only warned about (as the real plugin
//   does for pod controllers), so `kubectl apply` of a Deployment shows the warning.
// - Audit: the simulator keeps no audit log; the audit annotation is written nowhere (README gap).
// Checks, their order (baseline IDs sorted, then restricted IDs sorted) and messages follow
// k8s.io/pod-security-admission/policy (check_*.go, registry.go) and
// https://kubernetes.io/docs/concepts/security/pod-security-standards/ — for the policy version of the
// simulated apiserver (1.31: no hostProbesAndHostLifecycle check, no user-namespace relaxations).
import { ApiError } from "./errors";
import { R } from "./resources";
import type { Store } from "./store";
import type { Obj } from "./util";
import { addWarning } from "./warnings";

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";
const LEVELS: PodSecurityLevel[] = ["privileged", "baseline", "restricted"];
const rank = (l: PodSecurityLevel) => LEVELS.indexOf(l);

interface LevelVersion {
  level: PodSecurityLevel;
  version: string;
}
export interface NamespacePolicy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
}

const LABEL = "pod-security.kubernetes.io/";
const asLevel = (v: unknown): PodSecurityLevel | undefined =>
  LEVELS.includes(v as PodSecurityLevel) ? (v as PodSecurityLevel) : undefined;

/** The namespace labels read as the plugin does (api.PolicyToEvaluate), defaults privileged:latest. */
export function namespacePolicy(labels: Record<string, string> | undefined): NamespacePolicy {
  const l = labels ?? {};
  const version = (k: string) => l[`${LABEL}${k}-version`] ?? "latest";
  // An unparsable enforce level fails closed (restricted); warn and audit fail open (privileged).
  const enforceSet = l[`${LABEL}enforce`] !== undefined;
  const enforce: LevelVersion = {
    level: enforceSet ? (asLevel(l[`${LABEL}enforce`]) ?? "restricted") : "privileged",
    version: version("enforce"),
  };
  const audit: LevelVersion = {
    level: asLevel(l[`${LABEL}audit`]) ?? "privileged",
    version: version("audit"),
  };
  const warnSet = l[`${LABEL}warn`] !== undefined;
  let warn: LevelVersion = { level: asLevel(l[`${LABEL}warn`]) ?? "privileged", version: version("warn") };
  // Warn defaults to the enforce level when only enforce is set.
  if (!warnSet && asLevel(l[`${LABEL}enforce`]) && rank(enforce.level) > rank(warn.level))
    warn = { level: enforce.level, version: l[`${LABEL}warn-version`] ?? enforce.version };
  return { enforce, audit, warn };
}

// ---------------- the checks ----------------
type Check = (meta: Obj, spec: Obj) => string | undefined; // "reason (detail)" when forbidden

const plural = (one: string, many: string, n: number) => (n === 1 ? one : many);
const joinQuote = (xs: string[]) => (xs.length ? `"${xs.join('", "')}"` : "");
const containersOf = (spec: Obj): Obj[] => [
  ...(spec.initContainers ?? []),
  ...(spec.containers ?? []),
  ...(spec.ephemeralContainers ?? []),
];
const sc = (c: Obj): Obj => c?.securityContext ?? {};
const sortedUnique = (xs: string[]) => [...new Set(xs)].sort();
const who = (names: string[]) => `${plural("container", "containers", names.length)} ${joinQuote(names)}`;
const fmt = (reason: string, detail: string) => (detail ? `${reason} (${detail})` : reason);

/** Setters ("pod", containers "a", "b") that explicitly set a field to a bad value. */
function setters(spec: Obj, bad: (securityContext: Obj) => boolean): string[] {
  const out: string[] = [];
  if (spec.securityContext && bad(spec.securityContext)) out.push("pod");
  const cs = containersOf(spec)
    .filter((c) => c.securityContext && bad(c.securityContext))
    .map((c) => c.name as string);
  if (cs.length) out.push(who(cs));
  return out;
}

const BASELINE_CAPS = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.ip_local_reserved_ports", // 1.27
  "net.ipv4.tcp_keepalive_time", // 1.29
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);
const SELINUX_TYPES = new Set([
  "",
  "container_t",
  "container_init_t",
  "container_kvm_t",
  "container_engine_t",
]);
const RESTRICTED_OK_VOLUMES = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "image",
  "persistentVolumeClaim",
  "projected",
  "secret",
];
const validSeccomp = (t: unknown) => t === "RuntimeDefault" || t === "Localhost";
const isWindows = (spec: Obj) => spec.os?.name === "windows";

const baseline: [string, Check][] = [
  [
    "appArmorProfile",
    (meta, spec) => {
      const badValues: string[] = [];
      const bad = (s: Obj) => {
        const t = s.appArmorProfile?.type;
        if (s.appArmorProfile && t !== "RuntimeDefault" && t !== "Localhost") {
          badValues.push(String(t));
          return true;
        }
        return false;
      };
      const by = setters(spec, bad);
      const anns = Object.entries(meta.annotations ?? {})
        .filter(
          ([k, v]) =>
            k.startsWith("container.apparmor.security.beta.kubernetes.io/") &&
            !(v === "" || v === "runtime/default" || String(v).startsWith("localhost/")),
        )
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .sort();
      const values = [...sortedUnique(badValues), ...anns];
      if (anns.length) by.push(plural("annotation", "annotations", anns.length));
      if (!by.length) return undefined;
      return fmt(
        plural("forbidden AppArmor profile", "forbidden AppArmor profiles", values.length),
        `${by.join(" and ")} must not set AppArmor profile type to ${joinQuote(values)}`,
      );
    },
  ],
  [
    "capabilities_baseline",
    (_meta, spec) => {
      const caps: string[] = [];
      const bad = containersOf(spec).filter((c) => {
        const add: string[] = sc(c).capabilities?.add ?? [];
        const extra = add.filter((x) => !BASELINE_CAPS.has(x));
        caps.push(...extra);
        return extra.length > 0;
      });
      if (!bad.length) return undefined;
      return fmt(
        "non-default capabilities",
        `${who(bad.map((c) => c.name))} must not include ${joinQuote(sortedUnique(caps))} in securityContext.capabilities.add`,
      );
    },
  ],
  [
    "hostNamespaces",
    (_meta, spec) => {
      const on = ["hostNetwork", "hostPID", "hostIPC"]
        .filter((k) => spec[k] === true)
        .map((k) => `${k}=true`);
      return on.length ? fmt("host namespaces", on.join(", ")) : undefined;
    },
  ],
  [
    "hostPathVolumes",
    (_meta, spec) => {
      const vols = (spec.volumes ?? []).filter((v: Obj) => v.hostPath).map((v: Obj) => v.name as string);
      return vols.length
        ? fmt("hostPath volumes", `${plural("volume", "volumes", vols.length)} ${joinQuote(vols)}`)
        : undefined;
    },
  ],
  [
    "hostPorts",
    (_meta, spec) => {
      const ports: string[] = [];
      const bad = containersOf(spec).filter((c) => {
        const hp = (c.ports ?? []).filter((p: Obj) => p.hostPort).map((p: Obj) => String(p.hostPort));
        ports.push(...hp);
        return hp.length > 0;
      });
      if (!bad.length) return undefined;
      const list = sortedUnique(ports);
      return fmt(
        "hostPort",
        `${who(bad.map((c) => c.name))} ${plural("uses", "use", bad.length)} ${plural("hostPort", "hostPorts", list.length)} ${list.join(", ")}`,
      );
    },
  ],
  [
    "privileged",
    (_meta, spec) => {
      const bad = containersOf(spec).filter((c) => sc(c).privileged === true);
      return bad.length
        ? fmt("privileged", `${who(bad.map((c) => c.name))} must not set securityContext.privileged=true`)
        : undefined;
    },
  ],
  [
    "procMount",
    (_meta, spec) => {
      const types: string[] = [];
      const bad = containersOf(spec).filter((c) => {
        const pm = sc(c).procMount;
        if (pm !== undefined && pm !== null && pm !== "Default") {
          types.push(String(pm));
          return true;
        }
        return false;
      });
      return bad.length
        ? fmt(
            "procMount",
            `${who(bad.map((c) => c.name))} must not set securityContext.procMount to ${joinQuote(sortedUnique(types))}`,
          )
        : undefined;
    },
  ],
  [
    "seLinuxOptions",
    (_meta, spec) => {
      const badTypes: string[] = [];
      let user = false;
      let role = false;
      const bad = (s: Obj) => {
        const o = s.seLinuxOptions;
        if (!o) return false;
        let ok = true;
        if (!SELINUX_TYPES.has(o.type ?? "")) {
          badTypes.push(String(o.type));
          ok = false;
        }
        if (o.user) user = ok = false;
        if (o.role) role = ok = false;
        return !ok;
      };
      const by = setters(spec, bad);
      if (!by.length) return undefined;
      const data: string[] = [];
      if (badTypes.length)
        data.push(
          `${plural("type", "types", sortedUnique(badTypes).length)} ${joinQuote(sortedUnique(badTypes))}`,
        );
      if (user) data.push("user may not be set");
      if (role) data.push("role may not be set");
      return fmt(
        "seLinuxOptions",
        `${by.join(" and ")} set forbidden securityContext.seLinuxOptions: ${data.join("; ")}`,
      );
    },
  ],
  [
    "seccompProfile_baseline",
    (_meta, spec) => {
      const values: string[] = [];
      const by = setters(spec, (s) => {
        if (
          s.seccompProfile &&
          !validSeccomp(s.seccompProfile.type) &&
          s.seccompProfile.type === "Unconfined"
        ) {
          values.push("Unconfined");
          return true;
        }
        return false;
      });
      return by.length
        ? fmt(
            "seccompProfile",
            `${by.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(values))}`,
          )
        : undefined;
    },
  ],
  [
    "sysctls",
    (_meta, spec) => {
      const bad = (spec.securityContext?.sysctls ?? [])
        .map((s: Obj) => s.name as string)
        .filter((n: string) => !SAFE_SYSCTLS.has(n));
      return bad.length ? fmt("forbidden sysctls", bad.join(", ")) : undefined;
    },
  ],
  [
    "windowsHostProcess",
    (_meta, spec) => {
      const by = setters(spec, (s) => s.windowsOptions?.hostProcess === true);
      return by.length
        ? fmt(
            "hostProcess",
            `${by.join(" and ")} must not set securityContext.windowsOptions.hostProcess=true`,
          )
        : undefined;
    },
  ],
];

const restricted: [string, Check, string?][] = [
  [
    "allowPrivilegeEscalation",
    (_meta, spec) => {
      if (isWindows(spec)) return undefined;
      const bad = containersOf(spec).filter((c) => sc(c).allowPrivilegeEscalation !== false);
      return bad.length
        ? fmt(
            "allowPrivilegeEscalation != false",
            `${who(bad.map((c) => c.name))} must set securityContext.allowPrivilegeEscalation=false`,
          )
        : undefined;
    },
  ],
  [
    "capabilities_restricted",
    (_meta, spec) => {
      if (isWindows(spec)) return undefined;
      const noDrop: string[] = [];
      const adding: string[] = [];
      const caps: string[] = [];
      for (const c of containersOf(spec)) {
        const capsObj = sc(c).capabilities;
        if (!(capsObj?.drop ?? []).includes("ALL")) noDrop.push(c.name);
        const extra = (capsObj?.add ?? []).filter((x: string) => x !== "NET_BIND_SERVICE");
        if (extra.length) {
          adding.push(c.name);
          caps.push(...extra);
        }
      }
      const details: string[] = [];
      if (noDrop.length) details.push(`${who(noDrop)} must set securityContext.capabilities.drop=["ALL"]`);
      if (adding.length)
        details.push(
          `${who(adding)} must not include ${joinQuote(sortedUnique(caps))} in securityContext.capabilities.add`,
        );
      return details.length ? fmt("unrestricted capabilities", details.join("; ")) : undefined;
    },
    "capabilities_baseline",
  ],
  [
    "restrictedVolumes",
    (_meta, spec) => {
      const names: string[] = [];
      const types: string[] = [];
      for (const v of spec.volumes ?? []) {
        const keys = Object.keys(v).filter((k) => k !== "name");
        if (keys.some((k) => RESTRICTED_OK_VOLUMES.includes(k))) continue;
        names.push(v.name);
        types.push(keys[0] ?? "unknown");
      }
      if (!names.length) return undefined;
      const t = sortedUnique(types);
      return fmt(
        "restricted volume types",
        `${plural("volume", "volumes", names.length)} ${joinQuote(names)} ${plural("uses", "use", names.length)} ${plural("restricted volume type", "restricted volume types", t.length)} ${joinQuote(t)}`,
      );
    },
    "hostPathVolumes",
  ],
  [
    "runAsNonRoot",
    (_meta, spec) => {
      const bad: string[] = [];
      let podNonRoot = false;
      if (spec.securityContext?.runAsNonRoot === false) bad.push("pod");
      else if (spec.securityContext?.runAsNonRoot === true) podNonRoot = true;
      const explicit: string[] = [];
      const implicit: string[] = [];
      for (const c of containersOf(spec)) {
        const v = sc(c).runAsNonRoot;
        if (v === false) explicit.push(c.name);
        else if (v !== true && !podNonRoot) implicit.push(c.name);
      }
      if (explicit.length) bad.push(who(explicit));
      if (bad.length)
        return fmt(
          "runAsNonRoot != true",
          `${bad.join(" and ")} must not set securityContext.runAsNonRoot=false`,
        );
      if (implicit.length)
        return fmt(
          "runAsNonRoot != true",
          `pod or ${who(implicit)} must set securityContext.runAsNonRoot=true`,
        );
      return undefined;
    },
  ],
  [
    "runAsUser",
    (_meta, spec) => {
      const by = setters(spec, (s) => s.runAsUser === 0);
      return by.length ? fmt("runAsUser=0", `${by.join(" and ")} must not set runAsUser=0`) : undefined;
    },
  ],
  [
    "seccompProfile_restricted",
    (_meta, spec) => {
      if (isWindows(spec)) return undefined;
      const values: string[] = [];
      const bad: string[] = [];
      let podSet = false;
      const podType = spec.securityContext?.seccompProfile;
      if (podType) {
        if (!validSeccomp(podType.type)) {
          bad.push("pod");
          values.push(String(podType.type));
        } else podSet = true;
      }
      const explicit: string[] = [];
      const implicit: string[] = [];
      for (const c of containersOf(spec)) {
        const p = sc(c).seccompProfile;
        if (p) {
          if (!validSeccomp(p.type)) {
            explicit.push(c.name);
            values.push(String(p.type));
          }
        } else if (!podSet) implicit.push(c.name);
      }
      if (explicit.length) bad.push(who(explicit));
      if (bad.length)
        return fmt(
          "seccompProfile",
          `${bad.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(values))}`,
        );
      if (implicit.length)
        return fmt(
          "seccompProfile",
          `pod or ${who(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
        );
      return undefined;
    },
    "seccompProfile_baseline",
  ],
];

/** The violations of `level` by a pod (metadata + spec), in the plugin's order; [] when allowed. */
export function evaluatePodSecurity(level: PodSecurityLevel, meta: Obj, spec: Obj): string[] {
  if (level === "privileged") return [];
  const overridden = new Set(level === "restricted" ? restricted.map(([, , o]) => o).filter(Boolean) : []);
  const checks: Check[] = [
    ...baseline.filter(([id]) => !overridden.has(id)).map(([, c]) => c),
    ...(level === "restricted" ? restricted.map(([, c]) => c) : []),
  ];
  return checks.map((c) => c(meta ?? {}, spec ?? {})).filter((x): x is string => x !== undefined);
}

const label = (lv: LevelVersion) => `${lv.level}:${lv.version}`;

/**
 * Admission of a pod create: refuses a violation of the enforce level (403, as kube-apiserver), and
 * otherwise adds the warn level's violations as a Warning.
 */
export function admitPodSecurity(store: Store, pod: Obj): void {
  const ns = store.get(R.ns, "", pod.metadata?.namespace ?? "");
  const policy = namespacePolicy(ns?.metadata?.labels);
  const enforced = evaluatePodSecurity(policy.enforce.level, pod.metadata, pod.spec);
  if (enforced.length)
    throw new ApiError(
      403,
      "Forbidden",
      `pods "${pod.metadata.name}" is forbidden: violates PodSecurity "${label(policy.enforce)}": ${enforced.join(", ")}`,
      { name: pod.metadata.name, kind: "pods" },
    );
  warnPodSecurity(policy, pod.metadata, pod.spec);
}

/** Deployments and ReplicaSets: their pod template is checked for warnings only. */
export function warnPodTemplateSecurity(store: Store, o: Obj): void {
  const template = o.spec?.template;
  if (!template) return;
  const ns = store.get(R.ns, "", o.metadata?.namespace ?? "");
  warnPodSecurity(namespacePolicy(ns?.metadata?.labels), template.metadata ?? {}, template.spec ?? {});
}

function warnPodSecurity(policy: NamespacePolicy, meta: Obj, spec: Obj): void {
  const warned = evaluatePodSecurity(policy.warn.level, meta, spec);
  if (warned.length) addWarning(`would violate PodSecurity "${label(policy.warn)}": ${warned.join(", ")}`);
}
