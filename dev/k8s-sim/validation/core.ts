// Validation of core/v1 kinds KubeBid writes or reads, after pkg/apis/core/validation/validation.go:
// ValidateNamespace, ValidateResourceQuota(+ValidateResourceQuotaResourceName,
// ValidateResourceQuantityValue), ValidateLimitRange, ValidateService(+Update:
// validateUpgradeDowngradeClusterIPs), ValidateSecret(+Update), ValidateConfigMap(+Update),
// ValidatePersistentVolumeClaim(+Update). Messages and field paths are upstream's.
import type { Obj } from "../util";
import { child, type FieldError, fe, GoValue, idx, key } from "./field-errors";
import { isDNS1123Label, isQualifiedName, isValidPortName, isValidPortNum, validateLabels } from "./names";
import { parseQuantityStrict } from "./quantity";

const NONNEG = "must be greater than or equal to 0";
const PROTOCOLS = ["SCTP", "TCP", "UDP"];

// helper.standardQuotaResources (pkg/apis/core/helper/helpers.go)
const STANDARD_QUOTA = new Set([
  "cpu",
  "memory",
  "ephemeral-storage",
  "requests.cpu",
  "requests.memory",
  "requests.storage",
  "requests.ephemeral-storage",
  "limits.cpu",
  "limits.memory",
  "limits.ephemeral-storage",
  "pods",
  "services",
  "replicationcontrollers",
  "resourcequotas",
  "secrets",
  "persistentvolumeclaims",
  "configmaps",
  "services.nodeports",
  "services.loadbalancers",
]);

export function validateResourceQuota(o: Obj): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(o.spec?.hard ?? {})) {
    const p = key("spec.hard", k);
    const qn = isQualifiedName(k);
    for (const m of qn) errs.push(fe.invalid(p, k, m));
    if (!qn.length && !k.includes("/") && !STANDARD_QUOTA.has(k) && !/^(requests\.)?hugepages-/.test(k))
      errs.push(fe.invalid(p, k, "must be a standard resource for quota"));
    const q = parseQuantityStrict(v);
    if (q.ok && q.value < 0) errs.push(fe.invalid(p, q.text, NONNEG));
    if (q.ok && isIntegerResourceName(k) && Math.round(q.value * 1000) % 1000 !== 0)
      errs.push(fe.invalid(p, goQuantity(q.text), "must be an integer"));
  }
  const SCOPES = [
    "BestEffort",
    "CrossNamespacePodAffinity",
    "NotBestEffort",
    "NotTerminating",
    "PriorityClass",
    "Terminating",
  ];
  (o.spec?.scopes ?? []).forEach((s: string, i: number) => {
    if (!SCOPES.includes(s)) errs.push(fe.notSupported(idx("spec.scopes", i), s, SCOPES));
  });
  return errs;
}

const INTEGER_QUOTA = new Set([
  "pods",
  "services",
  "replicationcontrollers",
  "resourcequotas",
  "secrets",
  "configmaps",
  "persistentvolumeclaims",
  "services.nodeports",
  "services.loadbalancers",
]);

/** helper.IsIntegerResourceName: object counts and extended (domain-prefixed, non-native) resources. */
export function isIntegerResourceName(k: string): boolean {
  if (INTEGER_QUOTA.has(k) || k.startsWith("count/")) return true;
  const name = k.startsWith("requests.") ? k.slice("requests.".length) : k;
  return name.includes("/") && !name.startsWith("kubernetes.io/") && !name.startsWith("requests.");
}

/** Go's %#v of a resource.Quantity as ErrorBody prints it (Quantity has no value-receiver String()). */
export function goQuantity(text: string): GoValue {
  const m = /^([+-]?[0-9.]+)(.*)$/.exec(text) ?? ["", text, ""];
  const num = m[1]!;
  const suf = m[2]!;
  const binary = /^[KMGTPE]i$/.test(suf);
  const dec: Record<string, number> = { "": 0, n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
  let value: number;
  let scale: number;
  if (binary) {
    value = Number(num) * 1024 ** ("KMGTPE".indexOf(suf[0]!) + 1);
    scale = 0;
  } else {
    const frac = num.includes(".") ? num.split(".")[1]!.replace(/0+$/, "").length : 0;
    value = Math.round(Number(num) * 10 ** frac);
    scale = (dec[suf] ?? 0) - frac;
  }
  const format = binary ? "BinarySI" : "DecimalSI";
  return new GoValue(
    `resource.Quantity{i:resource.int64Amount{value:${value}, scale:${scale}}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:${JSON.stringify(text)}, Format:${JSON.stringify(format)}}`,
  );
}

export function validateLimitRange(o: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const types = new Set<string>();
  (o.spec?.limits ?? []).forEach((item: Obj, i: number) => {
    const p = idx("spec.limits", i);
    if (types.has(item?.type)) errs.push(fe.duplicate(child(p, "type"), item.type));
    types.add(item?.type);
    if (item?.type === "Pod" && item.default)
      errs.push(fe.forbidden(child(p, "default"), "may not be specified when `type` is 'Pod'"));
    if (item?.type === "Pod" && item.defaultRequest)
      errs.push(fe.forbidden(child(p, "defaultRequest"), "may not be specified when `type` is 'Pod'"));
    const get = (f: string) => {
      const out = new Map<string, { v: number; t: string }>();
      for (const [k, v] of Object.entries(item?.[f] ?? {})) {
        const q = parseQuantityStrict(v);
        if (q.ok) out.set(k, { v: q.value, t: q.text });
      }
      return out;
    };
    const [min, max, def, defReq] = [get("min"), get("max"), get("default"), get("defaultRequest")];
    const keys = new Set([...min.keys(), ...max.keys(), ...def.keys(), ...defReq.keys()]);
    for (const k of [...keys].sort()) {
      const mn = min.get(k);
      const mx = max.get(k);
      const df = def.get(k);
      const dr = defReq.get(k);
      if (mn && mx && mn.v > mx.v)
        errs.push(
          fe.invalid(
            key(child(p, "min"), k),
            goQuantity(mn.t),
            `min value ${mn.t} is greater than max value ${mx.t}`,
          ),
        );
      if (dr && mn && mn.v > dr.v)
        errs.push(
          fe.invalid(
            key(child(p, "defaultRequest"), k),
            goQuantity(dr.t),
            `min value ${mn.t} is greater than default request value ${dr.t}`,
          ),
        );
      if (dr && mx && dr.v > mx.v)
        errs.push(
          fe.invalid(
            key(child(p, "defaultRequest"), k),
            goQuantity(dr.t),
            `default request value ${dr.t} is greater than max value ${mx.t}`,
          ),
        );
      if (dr && df && dr.v > df.v)
        errs.push(
          fe.invalid(
            key(child(p, "defaultRequest"), k),
            goQuantity(dr.t),
            `default request value ${dr.t} is greater than default limit value ${df.t}`,
          ),
        );
      if (df && mn && mn.v > df.v)
        errs.push(
          fe.invalid(
            key(child(p, "default"), k),
            goQuantity(mn.t),
            `min value ${mn.t} is greater than default value ${df.t}`,
          ),
        );
      if (df && mx && df.v > mx.v)
        errs.push(
          fe.invalid(
            key(child(p, "default"), k),
            goQuantity(mx.t),
            `default value ${df.t} is greater than max value ${mx.t}`,
          ),
        );
    }
  });
  return errs;
}

const SVC_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];

function goServicePortKey(p: Obj): GoValue {
  return new GoValue(
    `core.ServicePort{Name:"", Protocol:${JSON.stringify(p.protocol ?? "")}, AppProtocol:(*string)(nil), Port:${p.port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
  );
}

export function validateService(o: Obj, old: Obj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const s = o.spec ?? {};
  const type = s.type ?? "ClusterIP";
  if (!SVC_TYPES.includes(type)) errs.push(fe.notSupported("spec.type", type, SVC_TYPES));
  const ports: Obj[] = Array.isArray(s.ports) ? s.ports : [];
  if (!ports.length && s.clusterIP !== "None" && type !== "ExternalName")
    errs.push(fe.required("spec.ports", ""));
  const requireName = ports.length > 1;
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pp = idx("spec.ports", i);
    if (requireName && !p?.name) errs.push(fe.required(child(pp, "name"), ""));
    else if (p?.name) {
      for (const m of isDNS1123Label(p.name)) errs.push(fe.invalid(child(pp, "name"), p.name, m));
      if (names.has(p.name)) errs.push(fe.duplicate(child(pp, "name"), p.name));
      else names.add(p.name);
    }
    for (const m of isValidPortNum(p?.port)) errs.push(fe.invalid(child(pp, "port"), p?.port ?? 0, m));
    if (!p?.protocol) errs.push(fe.required(child(pp, "protocol"), ""));
    else if (!PROTOCOLS.includes(p.protocol))
      errs.push(fe.notSupported(child(pp, "protocol"), p.protocol, PROTOCOLS));
    // ValidatePortNumOrName; 0 and "" were defaulted to the port.
    const tp = p?.targetPort;
    if (typeof tp === "number" && tp !== 0)
      for (const m of isValidPortNum(tp)) errs.push(fe.invalid(child(pp, "targetPort"), tp, m));
    if (typeof tp === "string" && tp !== "")
      for (const m of isValidPortName(tp)) errs.push(fe.invalid(child(pp, "targetPort"), tp, m));
    if (type === "ClusterIP" && p?.nodePort)
      errs.push(fe.forbidden(child(pp, "nodePort"), "may not be used when `type` is 'ClusterIP'"));
  });
  // "Check for duplicate ports, considering protocol. Port names are unique by above."
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const k = `${p?.protocol}/${p?.port}`;
    if (seen.has(k)) errs.push(fe.duplicate(idx("spec.ports", i), goServicePortKey(p)));
    seen.add(k);
  });
  errs.push(...validateLabels(s.selector, "spec.selector"));
  if (old && type !== "ExternalName" && (old.spec?.type ?? "ClusterIP") !== "ExternalName") {
    const oldIPs: string[] = old.spec?.clusterIPs ?? (old.spec?.clusterIP ? [old.spec.clusterIP] : []);
    const newIPs: string[] = s.clusterIPs ?? (s.clusterIP ? [s.clusterIP] : []);
    if (oldIPs.length === newIPs.length)
      oldIPs.forEach((ip, i) => {
        if (ip !== newIPs[i])
          errs.push(
            fe.invalid(
              idx("spec.clusterIPs", i),
              new GoValue(`[]string{${newIPs.map((x) => JSON.stringify(x)).join(", ")}}`),
              "may not change once set",
            ),
          );
      });
  }
  return errs;
}

const CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+";

/** IsConfigMapKey (apimachinery validation.go). */
function isConfigMapKey(k: string): string[] {
  const errs: string[] = [];
  if (k.length > 253) errs.push("must be no more than 253 characters");
  if (!/^[-._a-zA-Z0-9]+$/.test(k))
    errs.push(
      `a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '${CONFIG_KEY_FMT}')`,
    );
  if (k === ".") errs.push("must not be '.'");
  else if (k === "..") errs.push("must not be '..'");
  else if (k.startsWith("..")) errs.push("must not start with '..'");
  return errs;
}

const MAX_SECRET_SIZE = 1024 * 1024;

export function validateSecret(o: Obj, old: Obj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(o.data ?? {})) {
    for (const m of isConfigMapKey(k)) errs.push(fe.invalid(key("data", k), k, m));
    total += Buffer.from(String(v ?? ""), "base64").length;
  }
  if (total > MAX_SECRET_SIZE) errs.push(fe.tooLong("data", MAX_SECRET_SIZE));
  if (
    o.type === "kubernetes.io/service-account-token" &&
    !o.metadata?.annotations?.["kubernetes.io/service-account.name"]
  )
    errs.push(fe.required(key("metadata.annotations", "kubernetes.io/service-account.name"), ""));
  if (o.type === "kubernetes.io/tls") {
    if (o.data?.["tls.crt"] === undefined) errs.push(fe.required(key("data", "tls.crt"), ""));
    if (o.data?.["tls.key"] === undefined) errs.push(fe.required(key("data", "tls.key"), ""));
  }
  if (old) {
    if ((old.type ?? "Opaque") !== (o.type ?? "Opaque"))
      errs.push(fe.invalid("type", o.type ?? "", "field is immutable"));
    if (old.immutable === true) {
      if (o.immutable !== true)
        errs.push(fe.forbidden("immutable", "field is immutable when `immutable` is set"));
      if (JSON.stringify(old.data ?? {}) !== JSON.stringify(o.data ?? {}))
        errs.push(fe.forbidden("data", "field is immutable when `immutable` is set"));
    }
  }
  return errs;
}

export function validateConfigMap(o: Obj, old: Obj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of Object.keys(o.data ?? {}))
    for (const m of isConfigMapKey(k)) errs.push(fe.invalid(key("data", k), k, m));
  for (const k of Object.keys(o.binaryData ?? {})) {
    for (const m of isConfigMapKey(k)) errs.push(fe.invalid(key("binaryData", k), k, m));
    if (o.data?.[k] !== undefined)
      errs.push(fe.invalid(key("binaryData", k), k, "duplicate of key present in data"));
  }
  if (old?.immutable === true) {
    if (o.immutable !== true)
      errs.push(fe.forbidden("immutable", "field is immutable when `immutable` is set"));
    if (JSON.stringify(old.data ?? {}) !== JSON.stringify(o.data ?? {}))
      errs.push(fe.forbidden("data", "field is immutable when `immutable` is set"));
  }
  return errs;
}

const ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];

export function validatePersistentVolumeClaim(o: Obj, old: Obj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const s = o.spec ?? {};
  const modes: string[] = s.accessModes ?? [];
  if (!modes.length) errs.push(fe.required("spec.accessModes", "at least 1 access mode is required"));
  for (const m of modes)
    if (!ACCESS_MODES.includes(m)) errs.push(fe.notSupported("spec.accessModes", m, ACCESS_MODES));
  if (modes.includes("ReadWriteOncePod") && modes.length > 1)
    errs.push(fe.forbidden("spec.accessModes", "may not use ReadWriteOncePod with other access modes"));
  // The path is spec.resources[storage], not spec.resources.requests[storage] (upstream quirk).
  const storage = s.resources?.requests?.storage;
  if (storage === undefined) errs.push(fe.required(key("spec.resources", "storage"), ""));
  else {
    const q = parseQuantityStrict(storage);
    if (q.ok && q.value <= 0)
      errs.push(fe.invalid(key("spec.resources", "storage"), q.text, "must be greater than zero"));
  }
  if (s.volumeMode !== undefined && !["Block", "Filesystem"].includes(s.volumeMode))
    errs.push(fe.notSupported("spec.volumeMode", s.volumeMode, ["Block", "Filesystem"]));
  if (old) {
    // ValidatePersistentVolumeClaimUpdate: the spec is immutable but for resources.requests (and
    // volumeAttributesClassName); upstream appends a cmp.Diff of the specs to the message.
    const strip = (x: Obj) => {
      const { resources: _r, volumeAttributesClassName: _v, ...rest } = x ?? {};
      return JSON.stringify(rest);
    };
    if (strip(old.spec) !== strip(s)) {
      const changed = Object.keys({ ...(old.spec ?? {}), ...s })
        .filter((k) => !["resources", "volumeAttributesClassName"].includes(k))
        .filter((k) => JSON.stringify(old.spec?.[k]) !== JSON.stringify(s[k]))
        .sort();
      errs.push(
        fe.forbidden(
          "spec",
          `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n  core.PersistentVolumeClaimSpec{\n${changed
            .map((k) => `- \t${k}: ${JSON.stringify(old.spec?.[k])},\n+ \t${k}: ${JSON.stringify(s[k])},`)
            .join("\n")}\n  }\n`,
        ),
      );
    }
  }
  return errs;
}

// ValidatePersistentVolume / ValidatePersistentVolumeSpec / ValidatePersistentVolumeUpdate for the
// volume sources KubeBid's clusters use (hostPath, local, csi, nfs): one source exactly, capacity
// with a positive storage, access modes, reclaim policy, `local` needing node affinity.
const PV_SOURCES = ["hostPath", "nfs", "local", "csi"];
const RECLAIM = ["Delete", "Recycle", "Retain"];

export function validatePersistentVolume(o: Obj, old: Obj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const s = o.spec ?? {};
  const modes: string[] = s.accessModes ?? [];
  if (!modes.length) errs.push(fe.required("spec.accessModes", ""));
  for (const m of modes)
    if (!ACCESS_MODES.includes(m)) errs.push(fe.notSupported("spec.accessModes", m, ACCESS_MODES));
  if (modes.includes("ReadWriteOncePod") && modes.length > 1)
    errs.push(fe.forbidden("spec.accessModes", "may not use ReadWriteOncePod with other access modes"));
  const capacity: Obj = s.capacity ?? {};
  const capKeys = Object.keys(capacity);
  if (!capKeys.length) errs.push(fe.required("spec.capacity", ""));
  if (capacity.storage === undefined || capKeys.length > 1) {
    // Upstream prints the map with %#v; Quantity internals are not reproduced beyond the empty cases.
    const printed =
      s.capacity === undefined
        ? "core.ResourceList(nil)"
        : `core.ResourceList{${capKeys.map((k) => `${JSON.stringify(k)}:resource.Quantity{…}`).join(", ")}}`;
    errs.push(fe.notSupported("spec.capacity", new GoValue(printed), ["storage"]));
  }
  for (const k of capKeys) {
    const q = parseQuantityStrict(capacity[k]);
    if (q.ok && q.value <= 0)
      errs.push(fe.invalid(key("spec.capacity", k), q.text, "must be greater than zero"));
  }
  if (s.persistentVolumeReclaimPolicy !== undefined && !RECLAIM.includes(s.persistentVolumeReclaimPolicy))
    errs.push(
      fe.notSupported("spec.persistentVolumeReclaimPolicy", s.persistentVolumeReclaimPolicy, RECLAIM),
    );
  // Sources in upstream's order: a second one is Forbidden, the first is validated.
  let sources = 0;
  for (const k of PV_SOURCES) {
    if (s[k] === undefined) continue;
    if (sources++ > 0) {
      errs.push(fe.forbidden(`spec.${k}`, "may not specify more than 1 volume type"));
      continue;
    }
    if (k === "hostPath" && !s.hostPath.path) errs.push(fe.required("spec.hostPath.path", ""));
    if (k === "nfs" && !s.nfs.server) errs.push(fe.required("spec.nfs.server", ""));
    if (k === "nfs" && !s.nfs.path) errs.push(fe.required("spec.nfs.path", ""));
    if (k === "local") {
      if (!s.local.path) errs.push(fe.required("spec.local.path", ""));
      if (!s.nodeAffinity) errs.push(fe.required("spec.nodeAffinity", "Local volume requires node affinity"));
    }
    if (k === "csi" && !s.csi.driver) errs.push(fe.required("spec.csi.driver", ""));
    if (k === "csi" && !s.csi.volumeHandle) errs.push(fe.required("spec.csi.volumeHandle", ""));
  }
  if (!sources) errs.push(fe.required("spec", "must specify a volume type"));
  if (s.volumeMode !== undefined && !["Block", "Filesystem"].includes(s.volumeMode))
    errs.push(fe.notSupported("spec.volumeMode", s.volumeMode, ["Block", "Filesystem"]));
  if (old) {
    // ValidatePersistentVolumeUpdate: the volume source is immutable (upstream appends a cmp.Diff),
    // and so is node affinity once set.
    if (PV_SOURCES.some((k) => JSON.stringify(old.spec?.[k]) !== JSON.stringify(s[k])))
      errs.push(
        fe.forbidden(
          "spec.persistentvolumesource",
          "spec.persistentvolumesource is immutable after creation",
        ),
      );
    if (old.spec?.nodeAffinity && JSON.stringify(old.spec.nodeAffinity) !== JSON.stringify(s.nodeAffinity))
      errs.push(fe.invalid("nodeAffinity", s.nodeAffinity, "field is immutable"));
  }
  return errs;
}
