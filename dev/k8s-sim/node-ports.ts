// NodePort allocation for Services of type NodePort and LoadBalancer, as kube-apiserver's service
// REST storage does it before validation (pkg/registry/core/service/storage/alloc.go
// allocNodePorts/updateNodePorts over portallocator): a port of the --service-node-port-range
// (default 30000-32767), unique in the cluster. An explicit nodePort outside the range or held by
// another Service is refused with the allocator's error as a 422 field error. Ports of one Service may
// share a number (e.g. 53/TCP and 53/UDP). A LoadBalancer with allocateLoadBalancerNodePorts=false
// gets none allocated. Also the quota usage kube-apiserver's service evaluator counts.
// References: pkg/registry/core/service/portallocator/allocator.go (ErrNotInRange, ErrAllocated),
// pkg/quota/v1/evaluator/core/services.go (Usage).
import { ApiError } from "./errors";
import { R } from "./resources";
import type { Store } from "./store";
import type { Obj } from "./util";
import { child, fe, idx, invalidError } from "./validation/field-errors";

export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

const usesNodePorts = (spec: Obj | undefined) => spec?.type === "NodePort" || spec?.type === "LoadBalancer";
const allocates = (spec: Obj | undefined) =>
  spec?.type === "NodePort" ||
  (spec?.type === "LoadBalancer" && spec.allocateLoadBalancerNodePorts !== false);

/** Fills in and checks the nodePorts of `svc` (create, or update of a stored Service). Mutates it. */
export function allocateNodePorts(store: Store, svc: Obj): void {
  const spec = svc.spec;
  if (!usesNodePorts(spec)) return;
  const me = `${svc.metadata?.namespace}/${svc.metadata?.name}`;
  const taken = new Set<number>();
  for (const s of store.list(R.svc)) {
    if (`${s.metadata.namespace}/${s.metadata.name}` === me) continue;
    for (const p of s.spec?.ports ?? []) if (p.nodePort) taken.add(p.nodePort);
  }
  const errs = [];
  const ports: Obj[] = spec.ports ?? [];
  for (const [i, p] of ports.entries()) {
    if (!p.nodePort) continue;
    const path = child(idx("spec.ports", i), "nodePort");
    if (p.nodePort < NODE_PORT_MIN || p.nodePort > NODE_PORT_MAX)
      errs.push(
        fe.invalid(
          path,
          p.nodePort,
          `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`,
        ),
      );
    else if (taken.has(p.nodePort))
      errs.push(fe.invalid(path, p.nodePort, "provided port is already allocated"));
  }
  if (errs.length) throw invalidError("Service", "", svc.metadata?.name ?? "", errs);
  if (!allocates(spec)) return;
  const mine = new Set(ports.map((p) => p.nodePort).filter(Boolean));
  const free = () => {
    const span = NODE_PORT_MAX - NODE_PORT_MIN + 1;
    const start = Math.floor(Math.random() * span);
    for (let k = 0; k < span; k++) {
      const n = NODE_PORT_MIN + ((start + k) % span);
      if (!taken.has(n) && !mine.has(n)) return n;
    }
    throw new ApiError(
      500,
      "InternalError",
      "Internal error occurred: failed to allocate a nodePort: range is full",
    );
  };
  for (const p of ports)
    if (!p.nodePort) {
      p.nodePort = free();
      mine.add(p.nodePort);
    }
}

/** `services.nodeports` usage of one Service: its ports that hold (or will hold) a node port. */
export function nodePortUsage(svc: Obj): number {
  const spec = svc.spec;
  if (!usesNodePorts(spec)) return 0;
  const ports: Obj[] = spec.ports ?? [];
  return allocates(spec) ? ports.length : ports.filter((p) => p.nodePort).length;
}
