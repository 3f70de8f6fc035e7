import { describe, expect, it } from "vitest";
import type { ClusterExposure, StorageClassOffer } from "@/lib/k8s/cluster-exposure";
import {
  fitOrder,
  type InventoryNode,
  inventoryNodesSchema,
  leaseTolerations,
  manifestWorkload,
} from "./fit-order";
import { type ManifestInput, manifestSchema } from "./manifest";

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const GPU_TAINT = { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" } as const;

function node(
  name: string,
  opts: {
    cpu?: number;
    memGib?: number;
    diskGib?: number;
    gpus?: number;
    model?: string;
    tainted?: boolean;
  } = {},
): InventoryNode {
  const amounts = {
    cpuMillis: (opts.cpu ?? 8) * 1000,
    memoryBytes: (opts.memGib ?? 32) * GIB,
    pods: 110,
    gpus: opts.gpus ?? 0,
    ephemeralBytes: (opts.diskGib ?? 100) * GIB,
  };
  return {
    name,
    region: "eu-central-1",
    ready: true,
    schedulable: true,
    allocatable: amounts,
    free: { ...amounts },
    gpuModel: opts.gpus ? (opts.model ?? "unknown") : null,
    ...(opts.tainted ? { taints: [GPU_TAINT] } : {}),
  };
}

/** A v1 order (one service) from its totals over `replicas` (each total divides evenly). */
const order = (
  r: Partial<{
    cpuMillis: number;
    memoryMiB: number;
    storageMiB: number;
    gpuCount: number;
    gpuModel: string | null;
  }>,
  replicas = 1,
) => {
  const t = {
    cpuMillis: 1000 * replicas,
    memoryMiB: 1024 * replicas,
    storageMiB: 1024 * replicas,
    gpuCount: 0,
    gpuModel: null,
    ...r,
  };
  const per = (v: number) => {
    if (v % replicas !== 0) throw new Error(`${v} does not divide over ${replicas} replicas`);
    return v / replicas;
  };
  return manifestWorkload(
    manifestSchema.parse({
      name: "app",
      image: "nginx:1.27",
      replicas,
      resources: {
        cpu: per(t.cpuMillis),
        memory: per(t.memoryMiB),
        storage: per(t.storageMiB),
        gpu: { count: per(t.gpuCount), ...(t.gpuModel ? { model: t.gpuModel } : {}) },
      },
    }),
  );
};

/** A cluster that offers HTTP, NodePorts and two StorageClasses. */
const HTTP: ClusterExposure = {
  ingressClass: "nginx",
  ingressNamespace: "ingress-nginx",
  baseDomain: "apps.lab.localhost",
  tls: null,
  ports: "nodeport",
};
const OPEN: { exposure: ClusterExposure | null; storageClasses: StorageClassOffer[] } = {
  exposure: HTTP,
  storageClasses: [
    { name: "standard", pricePerGiBHour: "100" },
    { name: "fast-ssd", pricePerGiBHour: "400" },
  ],
};

describe("fitOrder: taints", () => {
  it("refuses a CPU-only order on a cluster of tainted GPU nodes, saying why", () => {
    const nodes = [node("gpu-1", { cpu: 64, gpus: 4, model: "NVIDIA-A100", tainted: true })];
    const fit = fitOrder({
      nodes,
      offerPercent: 100,
      ...OPEN,
      promised: [],
      order: order({ cpuMillis: 500 }),
    });
    expect(fit).toEqual({
      ok: false,
      reason:
        "no node for CPU-only workloads: every node is tainted (nvidia.com/gpu=present:NoSchedule), e.g. a GPU node",
    });
  });

  it("places a CPU-only order only on untainted nodes, even where a tainted GPU node has more room", () => {
    const nodes = [
      node("gpu-1", { cpu: 64, gpus: 4, model: "NVIDIA-A100", tainted: true }),
      node("cpu-1", { cpu: 4 }),
    ];
    expect(
      fitOrder({ nodes, offerPercent: 100, ...OPEN, promised: [], order: order({ cpuMillis: 3000 }) }),
    ).toEqual({
      ok: true,
      nodes: ["cpu-1"],
    });
    const big = fitOrder({
      nodes,
      offerPercent: 100,
      ...OPEN,
      promised: [],
      order: order({ cpuMillis: 16000 }),
    });
    expect(big).toEqual({ ok: false, reason: "needs 16 cores on one node, at most 4 cores free" });
  });

  it("lets a GPU order onto the tainted GPU node, as its pod tolerates the GPU taint", () => {
    const nodes = [node("gpu-1", { cpu: 64, gpus: 4, model: "NVIDIA-A100", tainted: true })];
    const fit = fitOrder({ nodes, offerPercent: 100, ...OPEN, promised: [], order: order({ gpuCount: 2 }) });
    expect(fit).toEqual({ ok: true, nodes: ["gpu-1"] });
    expect(leaseTolerations(2)).toEqual([
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
    ]);
    expect(leaseTolerations(0)).toEqual([]);
  });

  it("keeps every order off a node with a taint no lease pod tolerates", () => {
    const n = node("gpu-1", { gpus: 2, model: "NVIDIA-L4" });
    n.taints = [{ key: "nvidia.com/gpu", effect: "NoExecute" }];
    const fit = fitOrder({
      nodes: [n],
      offerPercent: 100,
      ...OPEN,
      promised: [],
      order: order({ gpuCount: 1 }),
    });
    expect(fit).toEqual({
      ok: false,
      reason: "its GPU nodes carry taints lease pods do not tolerate (nvidia.com/gpu:NoExecute)",
    });
  });
});

describe("fitOrder: GPU model", () => {
  const nodes = [
    node("a100", { gpus: 4, model: "NVIDIA-A100", tainted: true }),
    node("l4", { gpus: 2, model: "NVIDIA-L4", tainted: true }),
  ];
  it("places a GPU order only on nodes of the asked model", () => {
    const l4 = fitOrder({
      nodes,
      offerPercent: 100,
      ...OPEN,
      promised: [],
      order: order({ gpuCount: 2, gpuModel: "NVIDIA-L4" }, 2),
    });
    expect(l4).toEqual({ ok: true, nodes: ["l4", "l4"] });
    const tooMany = fitOrder({
      nodes,
      offerPercent: 100,
      ...OPEN,
      promised: [],
      order: order({ gpuCount: 3, gpuModel: "NVIDIA-L4" }),
    });
    expect(tooMany).toEqual({ ok: false, reason: "needs 3 × NVIDIA-L4, 2 free" });
  });
  it("names the models it has when the asked one is missing", () => {
    const fit = fitOrder({
      nodes,
      offerPercent: 100,
      ...OPEN,
      promised: [],
      order: order({ gpuCount: 1, gpuModel: "NVIDIA-H100" }),
    });
    expect(fit).toEqual({ ok: false, reason: "no NVIDIA-H100 GPUs (has NVIDIA-A100, NVIDIA-L4)" });
  });
  it("refuses GPU orders on a cluster without GPUs", () => {
    const fit = fitOrder({
      nodes: [node("cpu")],
      offerPercent: 100,
      ...OPEN,
      promised: [],
      order: order({ gpuCount: 1 }),
    });
    expect(fit).toEqual({ ok: false, reason: "no GPU nodes" });
  });
});

describe("fitOrder: ephemeral storage", () => {
  it("counts each replica's ephemeral storage against one node's free storage", () => {
    const nodes = [node("a", { diskGib: 50 }), node("b", { diskGib: 50 })];
    const two = order({ storageMiB: 80 * 1024 }, 2); // 40 GiB per replica
    expect(fitOrder({ nodes, offerPercent: 100, ...OPEN, promised: [], order: two })).toEqual({
      ok: true,
      nodes: ["a", "b"],
    });
    const three = order({ storageMiB: 120 * 1024 }, 3);
    expect(fitOrder({ nodes, offerPercent: 100, ...OPEN, promised: [], order: three }).ok).toBe(false);
    const huge = fitOrder({
      nodes,
      offerPercent: 100,
      ...OPEN,
      promised: [],
      order: order({ storageMiB: 60 * 1024 }),
    });
    expect(huge).toEqual({
      ok: false,
      reason: "needs 60 GiB ephemeral storage on one node, at most 50 GiB free",
    });
  });
  it("keeps back the share of storage the provider does not offer, and what it has promised", () => {
    const nodes = [node("a", { diskGib: 100 })];
    const o = order({ storageMiB: 60 * 1024 });
    expect(fitOrder({ nodes, offerPercent: 50, ...OPEN, promised: [], order: o }).ok).toBe(false);
    expect(fitOrder({ nodes, offerPercent: 100, ...OPEN, promised: [], order: o }).ok).toBe(true);
    expect(fitOrder({ nodes, offerPercent: 100, ...OPEN, promised: [o], order: o }).ok).toBe(false);
  });
  it("does not check storage on snapshots taken before it was read, which still parse", () => {
    const old = inventoryNodesSchema.parse([
      {
        name: "old",
        region: null,
        ready: true,
        schedulable: true,
        allocatable: { cpuMillis: 8000, memoryBytes: 32 * GIB, pods: 110, gpus: 0 },
        free: { cpuMillis: 8000, memoryBytes: 32 * GIB, pods: 110, gpus: 0 },
        gpuModel: null,
      },
    ]);
    expect(old[0]?.taints).toBeUndefined();
    const fit = fitOrder({
      nodes: old,
      offerPercent: 100,
      ...OPEN,
      promised: [],
      order: order({ storageMiB: 10 * 1024 * 1024 }),
    });
    expect(fit.ok).toBe(true);
    expect(() =>
      inventoryNodesSchema.parse([{ ...old[0], taints: [{ key: "x", effect: "Sometimes" }] }]),
    ).toThrow();
  });
  it("sizes a v1 manifest's replicas as one group, the same way for screening and bidding", () => {
    const w = order({ cpuMillis: 3000, memoryMiB: 3072, storageMiB: 300, gpuCount: 3 }, 3);
    expect(w.groups).toEqual([
      {
        name: "app",
        replicas: 3,
        replica: {
          cpuMillis: 1000,
          memoryBytes: 1024 * MIB,
          ephemeralBytes: 100 * MIB,
          gpus: 1,
          gpuModel: null,
        },
      },
    ]);
    expect(w.volumes).toEqual([]);
    expect(w.exposes).toEqual({ http: false, tcp: false, udp: false });
  });
});

/** A v2 deployment: web (http, 2 replicas), db (a volume), dns (udp), each sized in cores/GiB. */
function deployment(opts: {
  web?: { cpu: number; replicas?: number; autoscale?: { min: number; max: number; cpuPercent: number } };
  db?: { cpu: number; volumeGib?: number; storageClass?: string };
  dns?: boolean;
  gpu?: { count: number; model?: string };
}): ManifestInput {
  const res = (cpu: number, gpu?: { count: number; model?: string }) => ({
    cpu: cpu * 1000,
    memory: 1024,
    storage: 1024,
    ...(gpu ? { gpu } : {}),
  });
  return {
    version: 2,
    name: "shop",
    services: [
      {
        name: "web",
        image: "nginx:1.27",
        replicas: opts.web?.replicas ?? 2,
        ...(opts.web?.autoscale ? { autoscale: opts.web.autoscale } : {}),
        ports: [{ port: 80, expose: "http" }],
        resources: res(opts.web?.cpu ?? 1, opts.gpu),
      },
      ...(opts.db
        ? [
            {
              name: "db",
              image: "postgres:16",
              ports: [{ port: 5432 }],
              resources: res(opts.db.cpu),
              volumes: [
                {
                  name: "data",
                  mount: "/var/lib/postgresql/data",
                  size: (opts.db.volumeGib ?? 10) * 1024,
                  storageClass: opts.db.storageClass ?? "fast-ssd",
                },
              ],
            },
          ]
        : []),
      ...(opts.dns
        ? [
            {
              name: "dns",
              image: "coredns/coredns:1.11.1",
              ports: [{ port: 53, protocol: "UDP" as const, expose: "udp" as const }],
              resources: res(0.1),
            },
          ]
        : []),
    ],
  };
}
const v2 = (opts: Parameters<typeof deployment>[0]) =>
  manifestWorkload(manifestSchema.parse(deployment(opts)));

describe("manifestWorkload: a v2 deployment", () => {
  it("is a group per service, its volumes by StorageClass and the exposure its ports ask for", () => {
    const w = v2({ web: { cpu: 2, replicas: 3 }, db: { cpu: 4, volumeGib: 20 }, dns: true });
    expect(w.groups.map((g) => [g.name, g.replicas, g.replica.cpuMillis, g.replica.memoryBytes])).toEqual([
      ["web", 3, 2000, 1024 * MIB],
      ["db", 1, 4000, 1024 * MIB],
      ["dns", 1, 100, 1024 * MIB],
    ]);
    expect(w.volumes).toEqual([{ storageClass: "fast-ssd", sizeMiB: 20 * 1024 }]);
    expect(w.exposes).toEqual({ http: true, tcp: false, udp: true });
  });
  it("fits an autoscaled service at its max replicas (the provider must have room for every pod)", () => {
    const w = v2({ web: { cpu: 1, replicas: 2, autoscale: { min: 2, max: 6, cpuPercent: 70 } } });
    expect(w.groups.map((g) => [g.name, g.replicas])).toEqual([["web", 6]]);
  });
  it("pins every GPU pod to the order's one model, and CPU services to none", () => {
    const w = v2({ gpu: { count: 1, model: "NVIDIA-L4" }, db: { cpu: 1 } });
    expect(w.groups.map((g) => [g.name, g.replica.gpus, g.replica.gpuModel])).toEqual([
      ["web", 1, "NVIDIA-L4"],
      ["db", 0, null],
    ]);
  });
});

describe("fitOrder: services, StorageClasses and exposure", () => {
  const fitOn = (w: ReturnType<typeof v2>, nodes: InventoryNode[], cluster: Partial<typeof OPEN> = {}) =>
    fitOrder({ nodes, offerPercent: 100, promised: [], order: w, ...OPEN, ...cluster });
  const NONE: ClusterExposure = { ...HTTP, ingressClass: null, baseDomain: null, ports: "none" };
  const nodes = [node("a", { cpu: 8 }), node("b", { cpu: 4 })];

  it.each([
    {
      // In manifest order, first-fit, the two web pods would take 4 of a's 8 cores and leave db (6) no node.
      case: "every replica of every service placed, biggest first",
      w: v2({ web: { cpu: 2, replicas: 2 }, db: { cpu: 6 } }),
      cluster: {},
      want: { ok: true, nodes: ["a", "a", "b"] },
    },
    {
      case: "a service that fits nowhere is named",
      w: v2({ web: { cpu: 1 }, db: { cpu: 12 } }),
      cluster: {},
      want: { ok: false, reason: "db: needs 12 cores on one node, at most 8 cores free" },
    },
    {
      case: "the room the other services took counts",
      w: v2({ web: { cpu: 4, replicas: 2 }, db: { cpu: 5 } }),
      cluster: {},
      // db takes 5 of a's 8 cores; web's second 4-core pod finds 3 there and b already holds the first.
      want: {
        ok: false,
        reason: "web: needs 2 × 4 cores + 1 GiB + 1 GiB storage per replica; not enough free nodes",
      },
    },
    {
      case: "a StorageClass the cluster does not offer",
      w: v2({ db: { cpu: 1, storageClass: "fast-ssd" } }),
      cluster: { storageClasses: [{ name: "standard", pricePerGiBHour: "100" }] },
      want: { ok: false, reason: 'does not offer StorageClass "fast-ssd" (offers standard)' },
    },
    {
      case: "volumes on a cluster that offers no StorageClass",
      w: v2({ db: { cpu: 1, storageClass: "standard" } }),
      cluster: { storageClasses: [] },
      want: { ok: false, reason: 'does not offer StorageClass "standard" (offers none)' },
    },
    {
      case: "an HTTP port on a cluster without IngressClass and base domain",
      w: v2({}),
      cluster: { exposure: NONE },
      want: { ok: false, reason: "does not expose HTTP (no IngressClass and base domain declared)" },
    },
    {
      case: "an HTTP port on a cluster that declared nothing",
      w: v2({}),
      cluster: { exposure: null },
      want: { ok: false, reason: "does not expose HTTP (no IngressClass and base domain declared)" },
    },
    {
      case: "an IngressClass without a base domain is not enough",
      w: v2({}),
      cluster: { exposure: { ...HTTP, baseDomain: null } },
      want: { ok: false, reason: "does not expose HTTP (no IngressClass and base domain declared)" },
    },
    {
      case: "a UDP port where TCP/UDP ports are not offered",
      w: v2({ dns: true }),
      cluster: { exposure: { ...HTTP, ports: "none" as const } },
      want: { ok: false, reason: "does not expose UDP ports" },
    },
    {
      case: "a UDP port through LoadBalancers",
      w: v2({ web: { cpu: 1, replicas: 1 }, dns: true }),
      cluster: { exposure: { ...HTTP, ports: "loadbalancer" as const } },
      want: { ok: true, nodes: ["a", "a"] },
    },
  ])("$case", ({ w, cluster, want }) => {
    expect(fitOn(w, nodes, cluster)).toEqual(want);
  });

  it("counts a promised v2 deployment's every service", () => {
    // 10 of 12 cores, biggest first: db and one web pod on a (1 core left), the other web pod on b (1 left).
    const promised = v2({ web: { cpu: 3, replicas: 2 }, db: { cpu: 4 } });
    const w = v2({ web: { cpu: 1, replicas: 2 } });
    expect(fitOrder({ nodes, offerPercent: 100, promised: [], order: w, ...OPEN }).ok).toBe(true);
    expect(fitOrder({ nodes, offerPercent: 100, promised: [promised], order: w, ...OPEN })).toEqual({
      ok: true,
      nodes: ["a", "b"],
    });
    const three = v2({ web: { cpu: 1, replicas: 3 } });
    expect(fitOrder({ nodes, offerPercent: 100, promised: [promised], order: three, ...OPEN })).toEqual({
      ok: false,
      reason: "needs 3 × 1 core + 1 GiB + 1 GiB storage per replica; not enough free nodes",
    });
  });
});
