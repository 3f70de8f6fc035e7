// networking.k8s.io/v1 validation after pkg/apis/networking/validation/validation.go:
// ValidateNetworkPolicySpec (ValidateNetworkPolicyPort, ValidateNetworkPolicyPeer, ValidateIPBlock),
// validateIngressSpec (rules, host, paths, backends), ValidateIngressClass(+Update: controller immutable).
import type { Obj } from "../util";
import { isStrictSubset, parseCidr } from "./cidr";
import { child, type FieldError, fe, GoValue, idx } from "./field-errors";
import {
  isDNS1035Label,
  isDNS1123Subdomain,
  isValidPortName,
  isValidPortNum,
  validateLabelSelector,
} from "./names";

const PROTOCOLS = ["SCTP", "TCP", "UDP"];
const CIDR_MSG = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

function validatePort(p: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p?.protocol !== undefined && !PROTOCOLS.includes(p.protocol))
    errs.push(fe.notSupported(child(path, "protocol"), p.protocol, PROTOCOLS));
  if (typeof p?.port === "number") {
    for (const m of isValidPortNum(p.port)) errs.push(fe.invalid(child(path, "port"), p.port, m));
    if (p.endPort !== undefined && p.endPort < p.port)
      errs.push(fe.invalid(child(path, "endPort"), p.endPort, "must be greater than or equal to `port`"));
  } else if (typeof p?.port === "string") {
    for (const m of isValidPortName(p.port)) errs.push(fe.invalid(child(path, "port"), p.port, m));
    if (p.endPort !== undefined)
      errs.push(fe.forbidden(child(path, "endPort"), "may not be specified when `port` is non-numeric"));
  }
  return errs;
}

function validateIPBlock(b: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!b?.cidr) return [fe.required(child(path, "cidr"), "")];
  const net = parseCidr(b.cidr);
  if (!net) return [fe.invalid(child(path, "cidr"), b.cidr, CIDR_MSG)];
  (b.except ?? []).forEach((e: string, i: number) => {
    const ep = idx(child(path, "except"), i);
    const ex = parseCidr(e);
    if (!ex) errs.push(fe.invalid(ep, e, CIDR_MSG));
    else if (!isStrictSubset(ex, net)) errs.push(fe.invalid(ep, e, "must be a strict subset of `cidr`"));
  });
  return errs;
}

function validatePeer(peer: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  if (peer?.podSelector) {
    n++;
    errs.push(...validateLabelSelector(peer.podSelector, child(path, "podSelector")));
  }
  if (peer?.namespaceSelector) {
    n++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, child(path, "namespaceSelector")));
  }
  if (peer?.ipBlock) {
    n++;
    errs.push(...validateIPBlock(peer.ipBlock, child(path, "ipBlock")));
  }
  if (n === 0) errs.push(fe.required(path, "must specify a peer"));
  else if (n > 1 && peer.ipBlock)
    errs.push(fe.forbidden(path, "may not specify both ipBlock and another peer"));
  return errs;
}

export function validateNetworkPolicy(o: Obj): FieldError[] {
  const s = o.spec ?? {};
  const errs = validateLabelSelector(s.podSelector, "spec.podSelector");
  for (const dir of ["ingress", "egress"] as const) {
    const peersField = dir === "ingress" ? "from" : "to";
    (s[dir] ?? []).forEach((rule: Obj, i: number) => {
      const rp = idx(`spec.${dir}`, i);
      for (const [j, p] of (rule?.ports ?? []).entries())
        errs.push(...validatePort(p, idx(child(rp, "ports"), j)));
      for (const [j, peer] of (rule?.[peersField] ?? []).entries())
        errs.push(...validatePeer(peer, idx(child(rp, peersField), j)));
    });
  }
  const types: string[] = s.policyTypes ?? [];
  types.forEach((t, i) => {
    if (t !== "Ingress" && t !== "Egress")
      errs.push(fe.notSupported(idx("spec.policyTypes", i), t, ["Egress", "Ingress"]));
  });
  if (types.length > 2)
    errs.push(
      fe.invalid(
        "spec.policyTypes",
        new GoValue(`[]networking.PolicyType{${types.map((t) => JSON.stringify(t)).join(", ")}}`),
        "may not specify more than two policyTypes",
      ),
    );
  return errs;
}

const PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"];

function validateBackend(b: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!b) return [fe.required(path, "")];
  if (b.service && b.resource)
    return [
      fe.invalid(
        path,
        new GoValue("networking.IngressBackend{...}"),
        "cannot set both resource and service backends",
      ),
    ];
  if (b.resource) return errs;
  if (!b.service)
    return [
      fe.invalid(
        path,
        new GoValue(
          "networking.IngressBackend{Service:(*networking.IngressServiceBackend)(nil), Resource:(*core.TypedLocalObjectReference)(nil)}",
        ),
        "resource or service backend is required",
      ),
    ];
  const sp = child(path, "service");
  if (!b.service.name) errs.push(fe.required(child(sp, "name"), ""));
  else
    for (const m of isDNS1035Label(b.service.name))
      errs.push(fe.invalid(child(sp, "name"), b.service.name, m));
  const port = b.service.port ?? {};
  const pp = child(sp, "port");
  if (port.name && port.number)
    errs.push(
      fe.invalid(
        pp,
        new GoValue(
          `networking.ServiceBackendPort{Name:${JSON.stringify(port.name)}, Number:${port.number}}`,
        ),
        "cannot set both port name & port number",
      ),
    );
  else if (port.name)
    for (const m of isValidPortName(port.name)) errs.push(fe.invalid(child(pp, "name"), port.name, m));
  else if (port.number !== undefined)
    for (const m of isValidPortNum(port.number)) errs.push(fe.invalid(child(pp, "number"), port.number, m));
  else errs.push(fe.required(pp, "port name or number is required"));
  return errs;
}

export function validateIngress(o: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const s = o.spec ?? {};
  const rules: Obj[] = s.rules ?? [];
  if (!rules.length && !s.defaultBackend)
    errs.push(
      fe.invalid(
        "spec",
        new GoValue("[]networking.IngressRule(nil)"),
        "either `defaultBackend` or `rules` must be specified",
      ),
    );
  if (s.defaultBackend) errs.push(...validateBackend(s.defaultBackend, "spec.defaultBackend"));
  rules.forEach((r, i) => {
    const rp = idx("spec.rules", i);
    if (r?.host) {
      const host: string = r.host;
      if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(":"))
        errs.push(fe.invalid(child(rp, "host"), host, "must be a DNS name, not an IP address"));
      const name = host.startsWith("*.") ? host.slice(2) : host;
      for (const m of isDNS1123Subdomain(name)) errs.push(fe.invalid(child(rp, "host"), host, m));
    }
    (r?.http?.paths ?? []).forEach((p: Obj, j: number) => {
      const pp = idx(child(child(rp, "http"), "paths"), j);
      if (!p?.pathType) errs.push(fe.required(child(pp, "pathType"), "pathType must be specified"));
      else if (!PATH_TYPES.includes(p.pathType))
        errs.push(fe.notSupported(child(pp, "pathType"), p.pathType, PATH_TYPES));
      else if ((p.pathType === "Prefix" || p.pathType === "Exact") && !String(p.path ?? "").startsWith("/"))
        errs.push(fe.invalid(child(pp, "path"), p.path ?? "", "must be an absolute path"));
      errs.push(...validateBackend(p?.backend, child(pp, "backend")));
    });
    if (r?.http && !(r.http.paths ?? []).length)
      errs.push(fe.required(child(child(rp, "http"), "paths"), ""));
  });
  (s.tls ?? []).forEach((t: Obj, i: number) => {
    if (t?.secretName)
      for (const m of isDNS1123Subdomain(t.secretName))
        errs.push(fe.invalid(child(idx("spec.tls", i), "secretName"), t.secretName, m));
  });
  if (s.ingressClassName)
    for (const m of isDNS1123Subdomain(s.ingressClassName))
      errs.push(fe.invalid("spec.ingressClassName", s.ingressClassName, m));
  return errs;
}

/** validation.IsDomainPrefixedPath. */
function domainPrefixedPath(v: unknown, path: string): FieldError[] {
  if (!v) return [fe.required(path, "")];
  const s = String(v);
  const slash = s.indexOf("/");
  if (slash <= 0) return [fe.invalid(path, s, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  return isDNS1123Subdomain(s.slice(0, slash)).map((m) => fe.invalid(path, s.slice(0, slash), m));
}

export function validateIngressClass(o: Obj, old: Obj | undefined): FieldError[] {
  const errs = domainPrefixedPath(o.spec?.controller, "spec.controller");
  if (old && old.spec?.controller !== o.spec?.controller)
    errs.push(fe.invalid("spec.controller", o.spec?.controller ?? "", "field is immutable"));
  return errs;
}
