// Node heartbeats: each kubelet holds a Lease (coordination.k8s.io/v1) named after its node in
// kube-node-lease and renews it every renewInterval (10 s: a quarter of leaseDurationSeconds 40).
// A node that is not Ready (its kubelet is down) stops renewing, as on a real cluster.
// Reference: pkg/kubelet/kubelet.go (nodeLeaseRenewIntervalFraction), k8s.io/component-helpers/apimachinery/lease.
import { R } from "./resources";
import type { Store } from "./store";
import type { Obj } from "./util";

const NODE_LEASE_NAMESPACE = "kube-node-lease";
const NODE_LEASE_DURATION_S = 40;

/** MicroTime, as the API serializes Lease times: 2006-01-02T15:04:05.000000Z */
const microTime = (ms: number) =>
  `${new Date(ms).toISOString().slice(0, 23)}${String(Math.floor(Math.random() * 1000)).padStart(3, "0")}Z`;

export function renewNodeLeases(store: Store, now: number, renewMs: number): void {
  if (!store.get(R.ns, "", NODE_LEASE_NAMESPACE)) return;
  for (const node of store.list(R.node)) {
    const ready = (node.status?.conditions ?? []).some((c: Obj) => c.type === "Ready" && c.status === "True");
    if (!ready) continue;
    const name = node.metadata.name;
    const lease = store.get(R.lease, NODE_LEASE_NAMESPACE, name);
    if (!lease) {
      store.insert(R.lease, {
        metadata: {
          name,
          namespace: NODE_LEASE_NAMESPACE,
          ownerReferences: [{ apiVersion: "v1", kind: "Node", name, uid: node.metadata.uid }],
        },
        spec: {
          holderIdentity: name,
          leaseDurationSeconds: NODE_LEASE_DURATION_S,
          // The node's kubelet was already running: its last renewal fell anywhere in the last
          // interval (and many simulated clusters do not all renew in the same tick).
          renewTime: microTime(now - Math.random() * renewMs),
        },
      });
      continue;
    }
    const last = Date.parse(lease.spec?.renewTime ?? "") || 0;
    if (now - last < renewMs) continue;
    store.mutate(R.lease, NODE_LEASE_NAMESPACE, name, (l) => {
      l.spec = { ...l.spec, holderIdentity: name, renewTime: microTime(now) };
      l.metadata.ownerReferences = [{ apiVersion: "v1", kind: "Node", name, uid: node.metadata.uid }];
    });
  }
}
