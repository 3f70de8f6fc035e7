// Server-side printing (meta.k8s.io/v1 Table) for kubectl get.
import { age, humanDuration, type Obj } from "./util";

type Col = [name: string, type: string, priority?: number, format?: string];

function podStatus(p: Obj): string {
  if (p.metadata.deletionTimestamp) return "Terminating";
  let reason: string = p.status?.reason ?? p.status?.phase ?? "Pending";
  for (const cs of p.status?.containerStatuses ?? []) {
    if (cs.state?.waiting?.reason && cs.state.waiting.reason !== "") reason = cs.state.waiting.reason;
    else if (cs.state?.terminated?.reason) reason = cs.state.terminated.reason;
  }
  if (
    reason === "Running" &&
    !(p.status?.conditions ?? []).some((c: Obj) => c.type === "Ready" && c.status === "True")
  )
    reason = "Running";
  return reason;
}

function restarts(p: Obj): string {
  let n = 0;
  let last = 0;
  for (const cs of p.status?.containerStatuses ?? []) {
    n += cs.restartCount ?? 0;
    const f = Date.parse(cs.lastState?.terminated?.finishedAt ?? "");
    if (f > last) last = f;
  }
  return n && last ? `${n} (${humanDuration(Date.now() - last)} ago)` : String(n);
}

function ports(s: Obj): string {
  const ps: Obj[] = s.spec?.ports ?? [];
  if (!ps.length) return "<none>";
  return ps.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ""}/${p.protocol ?? "TCP"}`).join(",");
}

function selectorStr(sel: Obj | undefined): string {
  const ml = Object.entries(sel?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  return ml.length ? ml.join(",") : "<none>";
}

// printers.go: the access modes as kubectl lists them (GetAccessModesAsString).
function accessModes(modes: string[] | undefined): string {
  const short: Record<string, string> = {
    ReadWriteOnce: "RWO",
    ReadOnlyMany: "ROX",
    ReadWriteMany: "RWX",
    ReadWriteOncePod: "RWOP",
  };
  return [...new Set(modes ?? [])].map((m) => short[m] ?? m).join(",");
}

const PRINTERS: Record<string, { cols: Col[]; row: (o: Obj) => unknown[] }> = {
  PersistentVolumeClaim: {
    cols: [
      ["Name", "string", 0, "name"],
      ["Status", "string"],
      ["Volume", "string"],
      ["Capacity", "string"],
      ["Access Modes", "string"],
      ["StorageClass", "string"],
      ["VolumeAttributesClass", "string"],
      ["Age", "string"],
      ["VolumeMode", "string", 1],
    ],
    row: (c) => {
      const bound = !!c.spec?.volumeName;
      return [
        c.metadata.name,
        c.metadata.deletionTimestamp ? "Terminating" : (c.status?.phase ?? ""),
        c.spec?.volumeName ?? "",
        bound ? (c.status?.capacity?.storage ?? "") : "",
        bound ? accessModes(c.status?.accessModes) : "",
        c.spec?.storageClassName ?? "<unset>",
        c.spec?.volumeAttributesClassName ?? "<unset>",
        age(c.metadata.creationTimestamp),
        c.spec?.volumeMode ?? "<unset>",
      ];
    },
  },
  PersistentVolume: {
    cols: [
      ["Name", "string", 0, "name"],
      ["Capacity", "string"],
      ["Access Modes", "string"],
      ["Reclaim Policy", "string"],
      ["Status", "string"],
      ["Claim", "string"],
      ["StorageClass", "string"],
      ["VolumeAttributesClass", "string"],
      ["Reason", "string"],
      ["Age", "string"],
      ["VolumeMode", "string", 1],
    ],
    row: (v) => {
      const ref = v.spec?.claimRef;
      return [
        v.metadata.name,
        v.spec?.capacity?.storage ?? "",
        accessModes(v.spec?.accessModes),
        v.spec?.persistentVolumeReclaimPolicy ?? "",
        v.metadata.deletionTimestamp ? "Terminating" : (v.status?.phase ?? ""),
        ref ? `${ref.namespace}/${ref.name}` : "",
        v.spec?.storageClassName ?? "",
        v.spec?.volumeAttributesClassName ?? "<unset>",
        v.status?.reason ?? "",
        age(v.metadata.creationTimestamp),
        v.spec?.volumeMode ?? "<unset>",
      ];
    },
  },
  StorageClass: {
    cols: [
      ["Name", "string", 0, "name"],
      ["Provisioner", "string"],
      ["ReclaimPolicy", "string"],
      ["VolumeBindingMode", "string"],
      ["AllowVolumeExpansion", "string"],
      ["Age", "string"],
    ],
    row: (sc) => {
      const isDefault =
        sc.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true" ||
        sc.metadata.annotations?.["storageclass.beta.kubernetes.io/is-default-class"] === "true";
      return [
        `${sc.metadata.name}${isDefault ? " (default)" : ""}`,
        sc.provisioner,
        sc.reclaimPolicy ?? "Delete",
        sc.volumeBindingMode ?? "Immediate",
        String(sc.allowVolumeExpansion ?? false),
        age(sc.metadata.creationTimestamp),
      ];
    },
  },
  Pod: {
    cols: [
      ["Name", "string", 0, "name"],
      ["Ready", "string"],
      ["Status", "string"],
      ["Restarts", "string"],
      ["Age", "string"],
      ["IP", "string", 1],
      ["Node", "string", 1],
      ["Nominated Node", "string", 1],
      ["Readiness Gates", "string", 1],
    ],
    row: (p) => {
      const cs: Obj[] = p.status?.containerStatuses ?? [];
      const total = (p.spec?.containers ?? []).length;
      return [
        p.metadata.name,
        `${cs.filter((c) => c.ready).length}/${total}`,
        podStatus(p),
        restarts(p),
        age(p.metadata.creationTimestamp),
        p.status?.podIP ?? "<none>",
        p.spec?.nodeName ?? "<none>",
        "<none>",
        "<none>",
      ];
    },
  },
  Node: {
    cols: [
      ["Name", "string", 0, "name"],
      ["Status", "string"],
      ["Roles", "string"],
      ["Age", "string"],
      ["Version", "string"],
      ["Internal-IP", "string", 1],
      ["External-IP", "string", 1],
      ["OS-Image", "string", 1],
      ["Kernel-Version", "string", 1],
      ["Container-Runtime", "string", 1],
    ],
    row: (n) => {
      const ready = (n.status?.conditions ?? []).find((c: Obj) => c.type === "Ready")?.status === "True";
      const st = [
        ready ? "Ready" : "NotReady",
        ...(n.spec?.unschedulable ? ["SchedulingDisabled"] : []),
      ].join(",");
      const roles = Object.keys(n.metadata.labels ?? {})
        .filter((k) => k.startsWith("node-role.kubernetes.io/"))
        .map((k) => k.slice(24));
      const addr = (t: string) =>
        (n.status?.addresses ?? []).find((a: Obj) => a.type === t)?.address ?? "<none>";
      const ni = n.status?.nodeInfo ?? {};
      return [
        n.metadata.name,
        st,
        roles.join(",") || "<none>",
        age(n.metadata.creationTimestamp),
        ni.kubeletVersion,
        addr("InternalIP"),
        addr("ExternalIP"),
        ni.osImage,
        ni.kernelVersion,
        ni.containerRuntimeVersion,
      ];
    },
  },
  Deployment: {
    cols: [
      ["Name", "string", 0, "name"],
      ["Ready", "string"],
      ["Up-to-date", "integer"],
      ["Available", "integer"],
      ["Age", "string"],
      ["Containers", "string", 1],
      ["Images", "string", 1],
      ["Selector", "string", 1],
    ],
    row: (d) => {
      const cs: Obj[] = d.spec?.template?.spec?.containers ?? [];
      return [
        d.metadata.name,
        `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`,
        d.status?.updatedReplicas ?? 0,
        d.status?.availableReplicas ?? 0,
        age(d.metadata.creationTimestamp),
        cs.map((c) => c.name).join(","),
        cs.map((c) => c.image).join(","),
        selectorStr(d.spec?.selector),
      ];
    },
  },
  // pkg/printers/internalversion/printers.go printHorizontalPodAutoscaler / formatHPAMetrics (1.30+
  // prefixes each target with its resource name).
  HorizontalPodAutoscaler: {
    cols: [
      ["Name", "string", 0, "name"],
      ["Reference", "string"],
      ["Targets", "string"],
      ["MinPods", "string"],
      ["MaxPods", "integer"],
      ["Replicas", "integer"],
      ["Age", "string"],
    ],
    row: (h) => {
      const targets = (h.spec?.metrics ?? []).map((m: Obj) => {
        const name = m.resource?.name ?? m.type;
        const target = m.resource?.target;
        const current = (h.status?.currentMetrics ?? []).find(
          (c: Obj) => c.type === m.type && c.resource?.name === m.resource?.name,
        )?.resource?.current;
        if (target?.averageUtilization !== undefined)
          return `${name}: ${current?.averageUtilization !== undefined ? `${current.averageUtilization}%` : "<unknown>"}/${target.averageUtilization}%`;
        return `${name}: ${current?.averageValue ?? "<unknown>"}/${target?.averageValue ?? target?.value ?? "<unknown>"}`;
      });
      const ref = h.spec?.scaleTargetRef ?? {};
      return [
        h.metadata.name,
        `${ref.kind}/${ref.name}`,
        targets.length > 2
          ? `${targets.slice(0, 2).join(", ")} + ${targets.length - 2} more...`
          : targets.join(", ") || "<none>",
        h.spec?.minReplicas !== undefined ? String(h.spec.minReplicas) : "<unset>",
        h.spec?.maxReplicas ?? 0,
        h.status?.currentReplicas ?? 0,
        age(h.metadata.creationTimestamp),
      ];
    },
  },
  ReplicaSet: {
    cols: [
      ["Name", "string", 0, "name"],
      ["Desired", "integer"],
      ["Current", "integer"],
      ["Ready", "integer"],
      ["Age", "string"],
    ],
    row: (r) => [
      r.metadata.name,
      r.spec?.replicas ?? 1,
      r.status?.replicas ?? 0,
      r.status?.readyReplicas ?? 0,
      age(r.metadata.creationTimestamp),
    ],
  },
  Service: {
    cols: [
      ["Name", "string", 0, "name"],
      ["Type", "string"],
      ["Cluster-IP", "string"],
      ["External-IP", "string"],
      ["Port(s)", "string"],
      ["Age", "string"],
      ["Selector", "string", 1],
    ],
    row: (s) => {
      const ing = (s.status?.loadBalancer?.ingress ?? []).map((i: Obj) => i.ip ?? i.hostname);
      const ext = ing.length ? ing.join(",") : s.spec?.type === "LoadBalancer" ? "<pending>" : "<none>";
      const sel =
        Object.entries(s.spec?.selector ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(",") || "<none>";
      return [
        s.metadata.name,
        s.spec?.type ?? "ClusterIP",
        s.spec?.clusterIP ?? "<none>",
        ext,
        ports(s),
        age(s.metadata.creationTimestamp),
        sel,
      ];
    },
  },
  Namespace: {
    cols: [
      ["Name", "string", 0, "name"],
      ["Status", "string"],
      ["Age", "string"],
    ],
    row: (n) => [n.metadata.name, n.status?.phase ?? "Active", age(n.metadata.creationTimestamp)],
  },
  Event: {
    cols: [
      ["Last Seen", "string"],
      ["Type", "string"],
      ["Reason", "string"],
      ["Object", "string"],
      ["Message", "string"],
      ["First Seen", "string", 1],
      ["Count", "integer", 1],
      ["Name", "string", 1, "name"],
    ],
    row: (e) => [
      age(e.lastTimestamp),
      e.type,
      e.reason,
      `${String(e.involvedObject?.kind ?? "").toLowerCase()}/${e.involvedObject?.name}`,
      e.message,
      age(e.firstTimestamp),
      e.count ?? 1,
      e.metadata.name,
    ],
  },
  ResourceQuota: {
    cols: [
      ["Name", "string", 0, "name"],
      ["Age", "string"],
      ["Request", "string"],
      ["Limit", "string"],
    ],
    row: (q) => {
      const hard = q.status?.hard ?? q.spec?.hard ?? {};
      const used = q.status?.used ?? {};
      const fmt = (lim: boolean) =>
        Object.keys(hard)
          .filter((k) => k.startsWith("limits.") === lim)
          .sort()
          .map((k) => `${k}: ${used[k] ?? "0"}/${hard[k]}`)
          .join(", ");
      return [q.metadata.name, age(q.metadata.creationTimestamp), fmt(false), fmt(true)];
    },
  },
  LimitRange: {
    cols: [
      ["Name", "string", 0, "name"],
      ["Created At", "date"],
    ],
    row: (l) => [l.metadata.name, l.metadata.creationTimestamp],
  },
  // pkg/printers/internalversion/printers.go: formatEndpoints, formatEndpointSlice, printLease
  Endpoints: {
    cols: [
      ["Name", "string", 0, "name"],
      ["Endpoints", "string"],
      ["Age", "string"],
    ],
    row: (e) => {
      const all: string[] = [];
      for (const ss of e.subsets ?? [])
        for (const p of ss.ports?.length ? ss.ports : [{}])
          for (const a of ss.addresses ?? []) all.push(p.port ? `${a.ip}:${p.port}` : a.ip);
      return [e.metadata.name, firstThree(all), age(e.metadata.creationTimestamp)];
    },
  },
  EndpointSlice: {
    cols: [
      ["Name", "string", 0, "name"],
      ["AddressType", "string"],
      ["Ports", "string"],
      ["Endpoints", "string"],
      ["Age", "string"],
    ],
    row: (s) => {
      const ports = (s.ports ?? []).map((p: Obj) => (p.port === undefined ? "<unset>" : String(p.port)));
      const ips = (s.endpoints ?? []).flatMap((e: Obj) => e.addresses ?? []);
      return [
        s.metadata.name,
        s.addressType,
        ports.length ? ports.join(",") : "<unset>",
        firstThree(ips),
        age(s.metadata.creationTimestamp),
      ];
    },
  },
  // pkg/printers/internalversion/printers.go: printIngress (formatHosts, formatPorts), printIngressClass,
  // printNetworkPolicy.
  Ingress: {
    cols: [
      ["Name", "string", 0, "name"],
      ["Class", "string"],
      ["Hosts", "string"],
      ["Address", "string"],
      ["Ports", "string"],
      ["Age", "string"],
    ],
    row: (i) => {
      const rules: Obj[] = i.spec?.rules ?? [];
      const hosts = rules
        .map((r) => r.host)
        .filter(Boolean)
        .slice(0, 3);
      const hostStr = !hosts.length
        ? "*"
        : rules.length > 3
          ? `${hosts.join(",")} + ${rules.length - 3} more...`
          : hosts.join(",");
      const addr = (i.status?.loadBalancer?.ingress ?? []).map((x: Obj) => x.ip ?? x.hostname).join(",");
      return [
        i.metadata.name,
        i.spec?.ingressClassName ?? "<none>",
        hostStr,
        addr.length > 16 ? `${addr.slice(0, 13)}...` : addr,
        i.spec?.tls?.length ? "80, 443" : "80",
        age(i.metadata.creationTimestamp),
      ];
    },
  },
  IngressClass: {
    cols: [
      ["Name", "string", 0, "name"],
      ["Controller", "string"],
      ["Parameters", "string"],
      ["Age", "string"],
    ],
    row: (c) => {
      const p = c.spec?.parameters;
      const params = p ? `${p.kind}${p.apiGroup ? `.${p.apiGroup}` : ""}/${p.name}` : "<none>";
      return [c.metadata.name, c.spec?.controller ?? "", params, age(c.metadata.creationTimestamp)];
    },
  },
  NetworkPolicy: {
    cols: [
      ["Name", "string", 0, "name"],
      ["Pod-Selector", "string"],
      ["Age", "string"],
    ],
    row: (n) => [n.metadata.name, selectorStr(n.spec?.podSelector), age(n.metadata.creationTimestamp)],
  },
  Lease: {
    cols: [
      ["Name", "string", 0, "name"],
      ["Holder", "string"],
      ["Age", "string"],
    ],
    row: (l) => [l.metadata.name, l.spec?.holderIdentity ?? "", age(l.metadata.creationTimestamp)],
  },
};

function firstThree(items: string[]): string {
  if (!items.length) return "<none>";
  return items.length > 3 ? `${items.slice(0, 3).join(",")} + ${items.length - 3} more...` : items.join(",");
}

const DEFAULT = {
  cols: [
    ["Name", "string", 0, "name"],
    ["Age", "string"],
  ] as Col[],
  row: (o: Obj) => [o.metadata.name, age(o.metadata.creationTimestamp)],
};

export function toTable(kind: string, items: Obj[], rv: string, includeObject: string | null): Obj {
  const p = PRINTERS[kind] ?? DEFAULT;
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion: rv },
    columnDefinitions: p.cols.map(([name, type, priority, format]) => ({
      name,
      type,
      format: format ?? "",
      description: "",
      priority: priority ?? 0,
    })),
    rows: items.map((o) => ({
      cells: p.row(o),
      object:
        includeObject === "None"
          ? null
          : includeObject === "Object"
            ? o
            : { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata },
    })),
  };
}
