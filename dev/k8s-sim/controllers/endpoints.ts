// The endpoints and endpointslice controllers: for every Service with a selector, an Endpoints object
// of the same name (addresses = ready pods, notReadyAddresses = the others) and EndpointSlices
// (discovery.k8s.io/v1, one per distinct port set, owned by the Service, labelled
// kubernetes.io/service-name). Named target ports are resolved against each pod's container ports.
// Objects of a deleted Service go away with it. Written to the store directly: they are the
// controllers' own, no admission applies to them in a real cluster either.
// References: pkg/controller/endpoint/endpoints_controller.go,
// pkg/controller/endpointslice (staging/src/k8s.io/endpointslice/reconciler.go).
import { isTerminal } from "../pods";
import { R } from "../resources";
import { matchLabels, nowIso, type Obj, randSuffix, selectorObjToReqs } from "../util";
import type { ControllerContext } from "./context";
import { isPodReady, ownerRef } from "./owner-refs";

const MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
const CONTROLLER = "endpointslice-controller.k8s.io";
const SERVICE_NAME = "kubernetes.io/service-name";
const TRIGGER = "endpoints.kubernetes.io/last-change-trigger-time";

interface PortOut {
  name: string;
  port: number;
  protocol: string;
}

/** The pod's ports for the Service's ports; undefined when a named target port is missing in the pod. */
function podPorts(svc: Obj, pod: Obj): PortOut[] | undefined {
  const out: PortOut[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const protocol = sp.protocol ?? "TCP";
    let port: number | undefined;
    if (typeof sp.targetPort === "string") {
      for (const c of pod.spec?.containers ?? [])
        for (const cp of c.ports ?? [])
          if (cp.name === sp.targetPort && (cp.protocol ?? "TCP") === protocol) port = cp.containerPort;
    } else port = sp.targetPort ?? sp.port;
    if (port === undefined) continue;
    out.push({ name: sp.name ?? "", port, protocol });
  }
  return out.length ? out : undefined;
}

export function endpointsController(ctx: ControllerContext): void {
  const { store } = ctx;
  const services = store.list(R.svc);
  const byKey = new Map(services.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]));
  for (const svc of services) {
    const selector = svc.spec?.selector;
    if (!selector || !Object.keys(selector).length || svc.spec?.type === "ExternalName") continue;
    const ns = svc.metadata.namespace;
    const reqs = selectorObjToReqs({ matchLabels: selector });
    const pods = store
      .list(R.pod, ns)
      .filter((p) => p.status?.podIP && !isTerminal(p) && matchLabels(reqs, p.metadata.labels))
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    // Pods grouped by their resolved ports: one Endpoints subset and one EndpointSlice per group.
    const groups = new Map<string, { ports: PortOut[]; pods: Obj[] }>();
    for (const p of pods) {
      const ports = podPorts(svc, p);
      if (!ports) continue;
      const key = JSON.stringify(ports);
      const g = groups.get(key) ?? { ports, pods: [] };
      g.pods.push(p);
      groups.set(key, g);
    }
    syncEndpoints(ctx, svc, [...groups.values()]);
    syncSlices(ctx, svc, groups);
  }
  // Endpoints and slices of Services that are gone (Endpoints: only those this controller wrote).
  for (const ep of store.list(R.ep)) {
    const gone = !byKey.has(`${ep.metadata.namespace}/${ep.metadata.name}`);
    if (gone && ep.metadata.annotations?.[TRIGGER] !== undefined)
      store.remove(R.ep, ep.metadata.namespace, ep.metadata.name);
  }
  for (const sl of store.list(R.eps)) {
    if (sl.metadata.labels?.[MANAGED_BY] !== CONTROLLER) continue;
    const svc = byKey.get(`${sl.metadata.namespace}/${sl.metadata.labels?.[SERVICE_NAME]}`);
    if (!svc?.spec?.selector) store.remove(R.eps, sl.metadata.namespace, sl.metadata.name);
  }
}

const address = (p: Obj) => ({
  ip: p.status.podIP,
  nodeName: p.spec.nodeName,
  targetRef: { kind: "Pod", namespace: p.metadata.namespace, name: p.metadata.name, uid: p.metadata.uid },
});

function syncEndpoints(ctx: ControllerContext, svc: Obj, groups: { ports: PortOut[]; pods: Obj[] }[]): void {
  const { store } = ctx;
  const ns = svc.metadata.namespace;
  const subsets = groups.map((g) => {
    const ready = g.pods.filter(isPodReady).map(address);
    const notReady = g.pods.filter((p) => !isPodReady(p)).map(address);
    return {
      ...(ready.length ? { addresses: ready } : {}),
      ...(notReady.length ? { notReadyAddresses: notReady } : {}),
      ports: g.ports.map((p) => ({
        ...(p.name ? { name: p.name } : {}),
        port: p.port,
        protocol: p.protocol,
      })),
    };
  });
  const labels = { ...(svc.metadata.labels ?? {}) };
  if (svc.spec?.clusterIP === "None") labels["service.kubernetes.io/headless"] = "";
  const existing = store.get(R.ep, ns, svc.metadata.name);
  if (!existing) {
    store.insert(R.ep, {
      metadata: {
        name: svc.metadata.name,
        namespace: ns,
        labels,
        annotations: { [TRIGGER]: nowIso() },
      },
      ...(subsets.length ? { subsets } : {}),
    });
    return;
  }
  const same =
    JSON.stringify(existing.subsets ?? []) === JSON.stringify(subsets) &&
    JSON.stringify(existing.metadata.labels ?? {}) === JSON.stringify(labels);
  if (same) return;
  store.mutate(R.ep, ns, svc.metadata.name, (o) => {
    o.metadata.labels = labels;
    o.metadata.annotations = {
      ...(o.metadata.annotations ?? {}),
      [TRIGGER]: nowIso(),
    };
    if (subsets.length) o.subsets = subsets;
    else delete o.subsets;
  });
}

function syncSlices(
  ctx: ControllerContext,
  svc: Obj,
  groups: Map<string, { ports: PortOut[]; pods: Obj[] }>,
): void {
  const { store } = ctx;
  const ns = svc.metadata.namespace;
  const name = svc.metadata.name;
  const mine = store
    .list(R.eps, ns)
    .filter(
      (s) => s.metadata.labels?.[SERVICE_NAME] === name && s.metadata.labels?.[MANAGED_BY] === CONTROLLER,
    );
  const labels = {
    ...(svc.metadata.labels ?? {}),
    [SERVICE_NAME]: name,
    [MANAGED_BY]: CONTROLLER,
    ...(svc.spec?.clusterIP === "None" ? { "service.kubernetes.io/headless": "" } : {}),
  };
  // A Service without pods still has one (empty) slice, with its ports.
  const wanted = groups.size
    ? [...groups.values()]
    : [
        {
          ports: (svc.spec?.ports ?? []).map((p: Obj) => ({
            name: p.name ?? "",
            port: typeof p.targetPort === "number" ? p.targetPort : p.port,
            protocol: p.protocol ?? "TCP",
          })),
          pods: [] as Obj[],
        },
      ];
  const used = new Set<string>();
  for (const g of wanted) {
    const key = JSON.stringify(g.ports);
    const current =
      mine.find((s) => !used.has(s.metadata.name) && JSON.stringify(s.ports ?? []) === key) ??
      mine.find(
        (s) =>
          !used.has(s.metadata.name) &&
          !wanted.some((w) => JSON.stringify(w.ports) === JSON.stringify(s.ports ?? [])),
      );
    const body = {
      addressType: "IPv4",
      endpoints: g.pods.map((p) => {
        const ready = isPodReady(p);
        const zone = store.get(R.node, "", p.spec.nodeName)?.metadata.labels?.["topology.kubernetes.io/zone"];
        return {
          addresses: [p.status.podIP],
          conditions: { ready, serving: ready, terminating: false },
          nodeName: p.spec.nodeName,
          targetRef: { kind: "Pod", namespace: ns, name: p.metadata.name, uid: p.metadata.uid },
          ...(zone ? { zone } : {}),
        };
      }),
      ports: g.ports,
    };
    if (!current) {
      const sliceName = `${name.slice(0, 57)}-${randSuffix(5)}`;
      used.add(sliceName);
      store.insert(R.eps, {
        metadata: {
          name: sliceName,
          generateName: `${name.slice(0, 57)}-`,
          namespace: ns,
          labels,
          annotations: { [TRIGGER]: nowIso() },
          ownerReferences: [ownerRef(R.svc, svc)],
        },
        ...body,
      });
      continue;
    }
    used.add(current.metadata.name);
    const same =
      JSON.stringify({ e: current.endpoints, p: current.ports, l: current.metadata.labels }) ===
      JSON.stringify({ e: body.endpoints, p: body.ports, l: labels });
    if (same) continue;
    store.mutate(R.eps, ns, current.metadata.name, (o) => {
      o.metadata.labels = labels;
      o.metadata.annotations = {
        ...(o.metadata.annotations ?? {}),
        [TRIGGER]: nowIso(),
      };
      o.metadata.generation = (o.metadata.generation ?? 1) + 1;
      Object.assign(o, body);
    });
  }
  for (const s of mine) if (!used.has(s.metadata.name)) store.remove(R.eps, ns, s.metadata.name);
}
