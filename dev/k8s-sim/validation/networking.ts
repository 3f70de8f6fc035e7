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

// validateIngressBackend / validateIngressRules / validateHTTPIngressPath (networking validation.go).
function validateBackend(b: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (b?.service && b?.resource)
    return [fe.invalid(path, "", "cannot set both resource and service backends")];
  if (b?.resource) {
    const rp = child(path, "resource");
    if (!b.resource.kind) errs.push(fe.required(child(rp, "kind"), "kind is required"));
    if (!b.resource.name) errs.push(fe.required(child(rp, "name"), "name is required"));
    return errs;
  }
  if (!b?.service) return [fe.invalid(path, "", "resource or service backend is required")];
  const sp = child(path, "service");
  if (!b.service.name) errs.push(fe.required(child(sp, "name"), ""));
  else
    for (const m of isDNS1035Label(b.service.name))
      errs.push(fe.invalid(child(sp, "name"), b.service.name, m));
  const port = b.service.port ?? {};
  if (port.name && port.number) errs.push(fe.invalid(path, "", "cannot set both port name & port number"));
  else if (port.name)
    for (const m of isValidPortName(port.name))
      errs.push(fe.invalid(child(child(sp, "port"), "name"), port.name, m));
  else if (port.number)
    for (const m of isValidPortNum(port.number))
      errs.push(fe.invalid(child(child(sp, "port"), "number"), port.number, m));
  else errs.push(fe.required(path, "port name or number is required"));
  return errs;
}

const WILDCARD_MSG =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

function validatePath(p: Obj, pp: string): FieldError[] {
  if (!p?.pathType) return [fe.required(child(pp, "pathType"), "pathType must be specified")];
  const errs: FieldError[] = [];
  const path = String(p.path ?? "");
  if (p.pathType === "Exact" || p.pathType === "Prefix") {
    if (!path.startsWith("/")) errs.push(fe.invalid(child(pp, "path"), path, "must be an absolute path"));
    for (const seq of ["//", "/./", "/../", "%2f", "%2F"])
      if (path.includes(seq)) errs.push(fe.invalid(child(pp, "path"), path, `must not contain '${seq}'`));
    for (const suf of ["/..", "/."])
      if (path.endsWith(suf)) errs.push(fe.invalid(child(pp, "path"), path, `cannot end with '${suf}'`));
  } else if (p.pathType === "ImplementationSpecific") {
    if (path && !path.startsWith("/"))
      errs.push(fe.invalid(child(pp, "path"), path, "must be an absolute path"));
  } else errs.push(fe.notSupported(child(pp, "pathType"), p.pathType, PATH_TYPES));
  errs.push(...validateBackend(p.backend, child(pp, "backend")));
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
  for (const [i, r] of rules.entries()) {
    const rp = idx("spec.rules", i);
    const host: string = r?.host ?? "";
    if (host) {
      if (isIP(host)) errs.push(fe.invalid(child(rp, "host"), host, "must be a DNS name, not an IP address"));
      if (host.includes("*")) {
        if (!host.startsWith("*.") || isDNS1123Subdomain(host.slice(2)).length)
          errs.push(fe.invalid(child(rp, "host"), host, WILDCARD_MSG));
      } else for (const m of isDNS1123Subdomain(host)) errs.push(fe.invalid(child(rp, "host"), host, m));
    }
    if (r?.http) {
      const paths: Obj[] = r.http.paths ?? [];
      if (!paths.length) errs.push(fe.required(child(child(rp, "http"), "paths"), ""));
      for (const [j, p] of paths.entries())
        errs.push(...validatePath(p, idx(child(child(rp, "http"), "paths"), j)));
    }
  }
  for (const [i, t] of (s.tls ?? []).entries())
    if (t?.secretName)
      for (const m of isDNS1123Subdomain(t.secretName))
        errs.push(fe.invalid(child(idx("spec.tls", i), "secretName"), t.secretName, m));
  if (s.ingressClassName)
    for (const m of isDNS1123Subdomain(s.ingressClassName))
      errs.push(fe.invalid("spec.ingressClassName", s.ingressClassName, m));
  return errs;
}

/** net.ParseIP: dotted IPv4 or IPv6. */
function isIP(h: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(h) || (h.includes(":") && /^[0-9a-fA-F:.]+$/.test(h));
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
