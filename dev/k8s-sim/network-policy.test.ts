// NetworkPolicy semantics, table-driven over one small store: selection, policyTypes, additive
// rules, peers (podSelector, namespaceSelector, both, ipBlock with except), ports (number, name,
// endPort, protocol), both ends of a connection, and a CNI that does not enforce policies.
import { describe, expect, it } from "vitest";
import {
  type Connection,
  connectionAllowed,
  enforcesNetworkPolicy,
  ipBlockContains,
  NETPOL,
} from "./network-policy";
import { R } from "./resources";
import { Store } from "./store";
import type { Obj } from "./util";

function world(policies: [string, Obj][]): { store: Store; pods: Record<string, Obj> } {
  const store = new Store({ onWrite: () => {}, onRemove: () => {} });
  for (const [name, team] of [
    ["lease", "a"],
    ["other", "b"],
    ["ingress-nginx", "infra"],
  ] as const)
    store.insert(R.ns, { metadata: { name, labels: { "kubernetes.io/metadata.name": name, team } } });
  const pod = (ns: string, name: string, ip: string, labels: Obj, ports: Obj[] = []) =>
    store.insert(R.pod, {
      metadata: { name, namespace: ns, labels },
      spec: { containers: [{ name: "c", image: "nginx", ports }] },
      status: { podIP: ip },
    });
  const pods = {
    web: pod("lease", "web", "10.244.0.10", { app: "web" }, [{ name: "http", containerPort: 8080 }]),
    db: pod("lease", "db", "10.244.0.11", { app: "db" }, [{ name: "pg", containerPort: 5432 }]),
    stranger: pod("other", "stranger", "10.244.1.10", { app: "web" }),
    controller: pod("ingress-nginx", "ctl", "10.244.2.10", { "app.kubernetes.io/name": "ingress-nginx" }),
  };
  for (const [ns, p] of policies) store.insert(NETPOL, { ...p, metadata: { ...p.metadata, namespace: ns } });
  return { store, pods };
}

const np = (name: string, spec: Obj): Obj => ({ metadata: { name }, spec });
const denyAllIngress = np("deny", { podSelector: {}, policyTypes: ["Ingress"] });

type Case = [
  string,
  [string, Obj][],
  (p: Record<string, Obj>) => Omit<Connection, "protocol"> & { protocol?: Connection["protocol"] },
  boolean,
];

const cases: Case[] = [
  ["no policy: open", [], (p) => ({ from: { pod: p.stranger! }, to: { pod: p.web! }, port: 8080 }), true],
  [
    "deny-all ingress",
    [["lease", denyAllIngress]],
    (p) => ({ from: { pod: p.db! }, to: { pod: p.web! }, port: 8080 }),
    false,
  ],
  [
    "a policy selecting other pods leaves this one open",
    [["lease", np("db-only", { podSelector: { matchLabels: { app: "db" } }, policyTypes: ["Ingress"] })]],
    (p) => ({ from: { pod: p.stranger! }, to: { pod: p.web! }, port: 8080 }),
    true,
  ],
  [
    "egress-only policy does not restrict ingress",
    [["lease", np("e", { podSelector: {}, policyTypes: ["Egress"] })]],
    (p) => ({ from: { pod: p.stranger! }, to: { pod: p.web! }, port: 8080 }),
    true,
  ],
  [
    "podSelector peer: same namespace only",
    [
      [
        "lease",
        np("same", {
          podSelector: {},
          ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }] }],
        }),
      ],
    ],
    (p) => ({ from: { pod: p.stranger! }, to: { pod: p.db! }, port: 5432 }),
    false,
  ],
  [
    "namespaceSelector peer admits every pod of the namespace",
    [
      [
        "lease",
        np("ns", {
          podSelector: {},
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "b" } } }] }],
        }),
      ],
    ],
    (p) => ({ from: { pod: p.stranger! }, to: { pod: p.db! }, port: 5432 }),
    true,
  ],
  [
    "namespaceSelector AND podSelector in one peer",
    [
      [
        "lease",
        np("both", {
          podSelector: {},
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { team: "b" } },
                  podSelector: { matchLabels: { app: "db" } },
                },
              ],
            },
          ],
        }),
      ],
    ],
    (p) => ({ from: { pod: p.stranger! }, to: { pod: p.db! }, port: 5432 }),
    false,
  ],
  [
    "two peers are OR",
    [
      [
        "lease",
        np("or", {
          podSelector: {},
          ingress: [
            {
              from: [
                { namespaceSelector: { matchLabels: { team: "b" } } },
                { podSelector: { matchLabels: { app: "db" } } },
              ],
            },
          ],
        }),
      ],
    ],
    (p) => ({ from: { pod: p.stranger! }, to: { pod: p.db! }, port: 5432 }),
    true,
  ],
  [
    "rules of several policies add up",
    [
      ["lease", denyAllIngress],
      [
        "lease",
        np("ctl", {
          podSelector: {},
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "infra" } } }] }],
        }),
      ],
    ],
    (p) => ({ from: { pod: p.controller! }, to: { pod: p.web! }, port: 8080 }),
    true,
  ],
  [
    "named port matches the destination's container port name",
    [["lease", np("named", { podSelector: {}, ingress: [{ ports: [{ port: "http" }] }] })]],
    (p) => ({ from: { pod: p.stranger! }, to: { pod: p.web! }, port: 8080 }),
    true,
  ],
  [
    "named port of another container port does not match",
    [["lease", np("named", { podSelector: {}, ingress: [{ ports: [{ port: "pg" }] }] })]],
    (p) => ({ from: { pod: p.stranger! }, to: { pod: p.web! }, port: 8080 }),
    false,
  ],
  [
    "endPort range includes its ends",
    [["lease", np("range", { podSelector: {}, ingress: [{ ports: [{ port: 5000, endPort: 5432 }] }] })]],
    (p) => ({ from: { pod: p.stranger! }, to: { pod: p.db! }, port: 5432 }),
    true,
  ],
  [
    "port number outside the range",
    [["lease", np("range", { podSelector: {}, ingress: [{ ports: [{ port: 5000, endPort: 5431 }] }] })]],
    (p) => ({ from: { pod: p.stranger! }, to: { pod: p.db! }, port: 5432 }),
    false,
  ],
  [
    "protocol must match (UDP rule, TCP connection)",
    [["lease", np("udp", { podSelector: {}, ingress: [{ ports: [{ port: 8080, protocol: "UDP" }] }] })]],
    (p) => ({ from: { pod: p.stranger! }, to: { pod: p.web! }, port: 8080 }),
    false,
  ],
  [
    "ipBlock peer matches a pod's IP",
    [["lease", np("ip", { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "10.244.1.0/24" } }] }] })]],
    (p) => ({ from: { pod: p.stranger! }, to: { pod: p.web! }, port: 8080 }),
    true,
  ],
  [
    "ipBlock except carves the pod out",
    [
      [
        "lease",
        np("ip", {
          podSelector: {},
          ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.244.1.0/24"] } }] }],
        }),
      ],
    ],
    (p) => ({ from: { pod: p.stranger! }, to: { pod: p.web! }, port: 8080 }),
    false,
  ],
  [
    "egress to the internet only: a cluster pod is excepted",
    [
      [
        "lease",
        np("e", {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }] }],
        }),
      ],
    ],
    (p) => ({ from: { pod: p.web! }, to: { pod: p.db! }, port: 5432 }),
    false,
  ],
  [
    "egress to the internet only: a public address is allowed",
    [
      [
        "lease",
        np("e", {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }] }],
        }),
      ],
    ],
    (p) => ({ from: { pod: p.web! }, to: { ip: "93.184.216.34" }, port: 443 }),
    true,
  ],
  [
    "egress allowed but the destination's ingress denies",
    [
      ["lease", np("e", { podSelector: {}, policyTypes: ["Egress"], egress: [{}] })],
      ["other", denyAllIngress],
    ],
    (p) => ({ from: { pod: p.web! }, to: { pod: p.stranger! }, port: 80 }),
    false,
  ],
  [
    "policyTypes defaulted from egress rules (Ingress + Egress): ingress is denied",
    [["lease", np("both", { podSelector: {}, egress: [{}] })]],
    (p) => ({ from: { pod: p.stranger! }, to: { pod: p.web! }, port: 8080 }),
    false,
  ],
];

describe("connectionAllowed", () => {
  it.each(cases)("%s", (_name, policies, conn, allowed) => {
    const { store, pods } = world(policies);
    expect(connectionAllowed(store, { protocol: "TCP", ...conn(pods) })).toBe(allowed);
  });

  it("a CNI without NetworkPolicy support (flannel) lets everything through", () => {
    const { store, pods } = world([["lease", denyAllIngress]]);
    const conn: Connection = {
      from: { pod: pods.stranger! },
      to: { pod: pods.web! },
      port: 8080,
      protocol: "TCP",
    };
    expect(enforcesNetworkPolicy("flannel")).toBe(false);
    expect(connectionAllowed(store, conn, enforcesNetworkPolicy("flannel"))).toBe(true);
    expect(enforcesNetworkPolicy("calico")).toBe(true);
    expect(enforcesNetworkPolicy(undefined)).toBe(true);
    expect(connectionAllowed(store, conn, enforcesNetworkPolicy("calico"))).toBe(false);
  });
});

describe("ipBlockContains", () => {
  it.each([
    [{ cidr: "10.0.0.0/8" }, "10.1.2.3", true],
    [{ cidr: "10.0.0.0/8" }, "11.0.0.1", false],
    [{ cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] }, "10.1.2.3", false],
    [{ cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] }, "169.254.169.254", false],
    [{ cidr: "0.0.0.0/0" }, "169.254.169.254", true],
    [{ cidr: "2001:db8::/32" }, "2001:db8::1", true],
    [{ cidr: "2001:db8::/32" }, "10.0.0.1", false],
  ])("%j contains %s: %s", (block, ip, inside) => {
    expect(ipBlockContains(block, ip)).toBe(inside);
  });
});
