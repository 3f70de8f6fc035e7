// NetworkPolicy evaluation (networking.k8s.io/v1) for one connection, as the API reference and the
// concept page define it: a pod not selected by any policy with a given policyType is open in that
// direction; a selected pod admits a connection when any rule of any selecting policy allows it
// (rules are additive, never deny). A rule matches when one of its `ports` matches the destination
// port (none listed: every port) and one of its peers matches the other end (none listed: everyone).
// A peer is podSelector (pods of the policy's namespace), namespaceSelector (every pod of matching
// namespaces), both (matching pods in matching namespaces) or ipBlock (the other end's IP inside
// `cidr` and outside each `except`). Named ports are the destination pod's container port names;
// `endPort` makes a range. Egress from A to B needs A's egress policies and B's ingress policies to
// agree. References: https://kubernetes.io/docs/concepts/services-networking/network-policies/ and
// k8s.io/api/networking/v1/types.go (NetworkPolicySpec, NetworkPolicyPeer, NetworkPolicyPort).
//
// Whether policies are enforced at all is the CNI's business: flannel alone does not implement
// NetworkPolicy, so on a `cni: "flannel"` cluster every connection is open, as on a real one. Every
// other spec (including none given) enforces them: the strict answer.

import type { SimCni } from "./network-addons";
import { R, RESOURCES, type ResDef } from "./resources";
import type { Store } from "./store";
import { matchLabels, type Obj, selectorObjToReqs } from "./util";
import { type Cidr, parseCidr } from "./validation/cidr";

export const NETPOL = RESOURCES.find(
  (r) => r.group === "networking.k8s.io" && r.name === "networkpolicies",
) as ResDef;

/** One end of a connection: a pod, or an address outside the pod network (a node, the internet). */
export type Endpoint = { pod: Obj } | { ip: string };

export interface Connection {
  from: Endpoint;
  /** The destination pod, and the port and protocol the packet reaches it on (after Service DNAT). */
  to: Endpoint;
  port: number;
  protocol: "TCP" | "UDP" | "SCTP";
}

export function enforcesNetworkPolicy(cni: SimCni | undefined): boolean {
  return cni !== "flannel";
}

/** policyTypes as SetDefaults_NetworkPolicy fills them: Ingress always, Egress when egress rules exist. */
export function policyTypes(spec: Obj): string[] {
  if (spec?.policyTypes?.length) return spec.policyTypes;
  return spec?.egress?.length ? ["Ingress", "Egress"] : ["Ingress"];
}

const ipOf = (e: Endpoint): string | undefined => ("pod" in e ? e.pod.status?.podIP : e.ip);

function toBigInt(ip: string): { v6: boolean; n: bigint } | undefined {
  const c = parseCidr(ip.includes(":") ? `${ip}/128` : `${ip}/32`);
  return c ? { v6: c.v6, n: c.ip } : undefined;
}

function inCidr(ip: string, c: Cidr | undefined): boolean {
  const a = toBigInt(ip);
  if (!a || !c || a.v6 !== c.v6) return false;
  const host = BigInt((c.v6 ? 128 : 32) - c.prefix);
  return a.n >> host === c.ip >> host;
}

/** Whether `ip` is inside the block's cidr and none of its excepts. */
export function ipBlockContains(block: Obj, ip: string): boolean {
  if (!inCidr(ip, parseCidr(block.cidr))) return false;
  return !(block.except ?? []).some((e: string) => inCidr(ip, parseCidr(e)));
}

function peerMatches(store: Store, policyNs: string, peer: Obj, other: Endpoint): boolean {
  if (peer.ipBlock) {
    const ip = ipOf(other);
    return ip !== undefined && ipBlockContains(peer.ipBlock, ip);
  }
  if (!("pod" in other)) return false; // pod and namespace selectors only ever select pods
  const pod = other.pod;
  const podNs: string = pod.metadata.namespace;
  if (peer.namespaceSelector) {
    const ns = store.get(R.ns, "", podNs);
    if (!matchLabels(selectorObjToReqs(peer.namespaceSelector), ns?.metadata.labels)) return false;
  } else if (podNs !== policyNs) return false;
  return !peer.podSelector || matchLabels(selectorObjToReqs(peer.podSelector), pod.metadata.labels);
}

/** The destination pod's container port number for a port name (any container), or undefined. */
function namedPort(pod: Obj, name: string, protocol: string): number | undefined {
  for (const c of pod.spec?.containers ?? [])
    for (const p of c.ports ?? [])
      if (p.name === name && (p.protocol ?? "TCP") === protocol) return p.containerPort;
  return undefined;
}

function portMatches(rulePort: Obj, conn: Connection): boolean {
  if ((rulePort.protocol ?? "TCP") !== conn.protocol) return false;
  if (rulePort.port === undefined) return true;
  if (typeof rulePort.port === "string") {
    // A name resolves against the destination pod; an address outside the pod network has none.
    if (!("pod" in conn.to)) return false;
    return namedPort(conn.to.pod, rulePort.port, conn.protocol) === conn.port;
  }
  const end = rulePort.endPort ?? rulePort.port;
  return conn.port >= rulePort.port && conn.port <= end;
}

function ruleAllows(
  store: Store,
  policyNs: string,
  rule: Obj,
  peers: Obj[] | undefined,
  other: Endpoint,
  conn: Connection,
): boolean {
  const ports: Obj[] = rule.ports ?? [];
  if (ports.length && !ports.some((p) => portMatches(p, conn))) return false;
  return !peers?.length || peers.some((peer) => peerMatches(store, policyNs, peer, other));
}

/**
 * Whether the policies of `pod`'s namespace let the connection through in one direction: "Ingress"
 * when `pod` is the destination, "Egress" when it is the source.
 */
function directionAllows(store: Store, pod: Obj, dir: "Ingress" | "Egress", conn: Connection): boolean {
  const ns: string = pod.metadata.namespace;
  const selecting = store
    .list(NETPOL, ns)
    .filter(
      (np) =>
        policyTypes(np.spec).includes(dir) &&
        matchLabels(selectorObjToReqs(np.spec?.podSelector), pod.metadata.labels),
    );
  if (!selecting.length) return true;
  const other = dir === "Ingress" ? conn.from : conn.to;
  return selecting.some((np) =>
    (dir === "Ingress" ? (np.spec?.ingress ?? []) : (np.spec?.egress ?? [])).some((rule: Obj) =>
      ruleAllows(store, ns, rule, dir === "Ingress" ? rule.from : rule.to, other, conn),
    ),
  );
}

/** Whether the network lets `conn` through: the source's egress and the destination's ingress. */
export function connectionAllowed(store: Store, conn: Connection, enforced = true): boolean {
  if (!enforced) return true;
  if ("pod" in conn.from && !directionAllows(store, conn.from.pod, "Egress", conn)) return false;
  if ("pod" in conn.to && !directionAllows(store, conn.to.pod, "Ingress", conn)) return false;
  return true;
}
