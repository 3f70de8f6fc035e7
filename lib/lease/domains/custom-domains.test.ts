import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clusters, leaseDomains, leases, manifests, orders } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { type Simulator, startSimulator } from "@/dev/k8s-sim/simulator";
import { provisionKubebidAccess } from "@/dev/provision-kubebid-access";
import { leaseRoleBinding } from "@/lib/k8s/apply-lease-workload";
import type { ClusterClient } from "@/lib/k8s/cluster-client";
import type { ClusterExposure } from "@/lib/k8s/cluster-exposure";
import { simClient } from "@/lib/k8s/sim-test-client";
import { canonicalizeManifest } from "@/lib/market/manifest";
import { type DnsTestServer, startDnsTestServer } from "@/lib/testing/dns-test-server";
import { createDnsLookup, type DnsLookup } from "./dns-resolver";
import { buildDomainIngress } from "./domain-ingress";
import { addCustomDomain, listCustomDomains, removeCustomDomain } from "./manage-custom-domains";
import { runDomainChecks } from "./run-domain-checks";

// Custom domains end to end below the HTTP layer: who may add and remove them, what is refused, the
// CNAME check against a real DNS server, and the Ingress the loop applies to (and deletes from) a
// simulated cluster's lease namespace through its API.

const TENANT = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc";
const PROVIDER = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const STRANGER = "0x976ea74026e726554db657fa54763abd0c3a0aa9";
const LEASE = "42";
const BASE = "apps.example.net";
const HOST = `web-${LEASE}.${BASE}`;
const exposure: ClusterExposure = {
  ingressClass: "nginx",
  ingressNamespace: "ingress-nginx",
  baseDomain: BASE,
  tls: null,
  ports: "nodeport",
};

let h: Awaited<ReturnType<typeof createTestDb>>;
let sim: Simulator;
let admin: ClusterClient;
/** KubeBid's own least-privileged identity, as on a provider's cluster: what the loop and routes use. */
let kubebid: ClusterClient;
let dnsServer: DnsTestServer;
let dns: DnsLookup;
let clusterId: string;

const clientFor = async () => kubebid;
const ingressPath = (id: number) =>
  `/apis/networking.k8s.io/v1/namespaces/kb-lease-${LEASE}/ingresses/kb-domain-${id}`;
const readIngress = (id: number) =>
  admin
    .requestJson<{ spec: unknown; metadata: { labels: Record<string, string> } }>(ingressPath(id))
    .catch((e: { code?: number }) => (e.code === 404 ? null : Promise.reject(e)));

beforeAll(async () => {
  h = await createTestDb();
  sim = await startSimulator({
    clusters: [{ name: "work", nodes: [{ name: "w1", cpu: "8", memory: "32Gi" }] }],
  });
  admin = simClient(sim.cluster("work"));
  dnsServer = await startDnsTestServer();
  dns = createDnsLookup([dnsServer.address]);
  kubebid = simClient(sim.cluster("work"), {
    token: await provisionKubebidAccess(sim.cluster("work"), sim.caPem),
  });
  // The lease namespace as the lease controller leaves it: KubeBid's labels, its workload role bound there.
  const namespace = `kb-lease-${LEASE}`;
  await admin.requestJson("/api/v1/namespaces", {
    method: "POST",
    body: {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: namespace,
        labels: {
          "app.kubernetes.io/managed-by": "kubebid",
          "kubebid.io/lease": LEASE,
          "pod-security.kubernetes.io/enforce": "baseline",
        },
      },
    },
  });
  await admin.requestJson(`/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
    method: "POST",
    body: leaseRoleBinding(namespace),
  });

  const { manifest, specHash } = canonicalizeManifest({
    version: 2,
    name: "shop",
    services: [
      {
        name: "web",
        image: "nginx:1.27",
        ports: [{ port: 8080, expose: "http" }],
        resources: { cpu: 100, memory: 128 },
        replicas: 1,
      },
      {
        name: "db",
        image: "postgres:16",
        ports: [{ port: 5432, expose: "tcp" }],
        resources: { cpu: 100, memory: 256 },
        replicas: 1,
      },
    ],
  });
  const [cluster] = await h.db
    .insert(clusters)
    .values({
      providerAddress: PROVIDER,
      name: "work",
      kubeconfigEnc: "x",
      server: "https://x",
      status: "up",
      exposure,
    })
    .returning();
  clusterId = cluster!.id;
  await h.db
    .insert(manifests)
    .values({ specHash: specHash.toLowerCase(), tenant: TENANT, body: manifest, signature: "0x", order: {} });
  await h.db.insert(orders).values({
    id: LEASE,
    tenant: TENANT,
    specHash,
    resources: {},
    maxPricePerHour: "1000000",
    durationSeconds: 3600,
    deposit: "1000000",
    bidWindowEndsAt: new Date(),
    status: "leased",
    createdBlock: 1n,
    txHash: "0x",
  });
  await h.db.insert(leases).values({
    id: LEASE,
    orderId: LEASE,
    tenant: TENANT,
    provider: PROVIDER,
    pricePerHour: "1000000",
    deposit: "1000000",
    startedAt: new Date(),
    endsAt: new Date(Date.now() + 3600_000),
    clusterId,
    namespace: `kb-lease-${LEASE}`,
    createdBlock: 1n,
  });
});

afterAll(async () => {
  await admin?.close();
  await kubebid?.close();
  await sim?.stop();
  await dnsServer?.stop();
  await h?.close();
});

beforeEach(async () => {
  await h.db.delete(leaseDomains);
  dnsServer.zone.clear();
});

const add = (address: string | null, domain: string, service = "web") =>
  addCustomDomain({ db: h.db, leaseId: LEASE, address, service, domain, dns });

describe("who may change a lease's domains", () => {
  it.each([
    ["the provider", PROVIDER, "FORBIDDEN", /Only the lease's tenant/],
    ["a stranger", STRANGER, "FORBIDDEN", /not yours/],
    ["nobody signed in", null, "UNAUTHORIZED", /Sign in/],
  ])("refuses %s adding one", async (_who, address, code, message) => {
    await expect(add(address, "shop.example.com")).rejects.toMatchObject({
      code,
      message: expect.stringMatching(message),
    });
    expect(await h.db.select().from(leaseDomains)).toEqual([]);
  });

  it("refuses the provider and strangers removing one, and lets the tenant", async () => {
    const d = await add(TENANT, "shop.example.com");
    for (const address of [PROVIDER, STRANGER])
      await expect(
        removeCustomDomain({ db: h.db, leaseId: LEASE, address, domainId: d.id, clientFor }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await removeCustomDomain({ db: h.db, leaseId: LEASE, address: TENANT, domainId: d.id, clientFor });
    expect(await h.db.select().from(leaseDomains)).toEqual([]);
  });
});

describe("adding a domain", () => {
  it.each([
    ["web-42.apps.example.net", /under the provider's domain/],
    ["apps.example.net", /under the provider's domain/],
    ["203.0.113.7", /not an IP address/],
    ["app.localhost", /not on the public internet/],
    [`${"x".repeat(64)}.example.com`, /longer than 63/],
  ])("refuses %s", async (domain, message) => {
    await expect(add(TENANT, domain)).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(message),
    });
  });

  it("refuses a service without an HTTP port, an unknown service, and a domain another lease has", async () => {
    await expect(add(TENANT, "db.example.com", "db")).rejects.toMatchObject({ message: /no HTTP port/ });
    await expect(add(TENANT, "x.example.com", "cache")).rejects.toMatchObject({
      message: /no service "cache"/,
    });
    await add(TENANT, "shop.example.com");
    await expect(add(TENANT, "SHOP.example.com.")).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("checks the CNAME at once: pending with the record to add, or verified", async () => {
    const pending = await add(TENANT, "shop.example.com");
    expect(pending).toMatchObject({ status: "failed", target: HOST, served: false });
    expect(pending.detail).toBe(`shop.example.com has no CNAME record; add one pointing to ${HOST}`);
    dnsServer.zone.set("www.example.com", { cname: HOST });
    expect(await add(TENANT, "www.example.com")).toMatchObject({ status: "verified", target: HOST });
  });
});

describe("the custom-domain loop", () => {
  it("serves a domain once its CNAME is right, and stops when it goes away", async () => {
    const d = await add(TENANT, "shop.example.com");
    expect(await runDomainChecks({ db: h.db, dns, clientFor })).toMatchObject({ checked: 0 }); // not due yet
    expect(await readIngress(d.id)).toBeNull();

    // The tenant publishes the record; the next due check verifies and routes it.
    dnsServer.zone.set("shop.example.com", { cname: HOST });
    const later = new Date(Date.now() + 10 * 60_000);
    expect(await runDomainChecks({ db: h.db, dns, clientFor, now: later })).toEqual({
      checked: 1,
      applied: 1,
      removed: 0,
    });
    const ingress = await readIngress(d.id);
    expect(ingress?.metadata.labels).toMatchObject({
      "kubebid.io/part": "custom-domain",
      "kubebid.io/lease": LEASE,
    });
    expect(ingress?.spec).toMatchObject(
      buildDomainIngress({
        id: d.id,
        leaseId: LEASE,
        domain: "shop.example.com",
        service: "web",
        port: 8080,
        exposure,
      }).spec,
    );
    const [view] = await listCustomDomains({ db: h.db, lease: (await h.db.select().from(leases))[0]! });
    expect(view).toMatchObject({ status: "verified", served: true });

    // The CNAME is removed: the next re-check fails it and deletes the Ingress.
    dnsServer.zone.delete("shop.example.com");
    const much = new Date(Date.now() + 60 * 60_000);
    expect(await runDomainChecks({ db: h.db, dns, clientFor, now: much })).toEqual({
      checked: 1,
      applied: 0,
      removed: 1,
    });
    expect(await readIngress(d.id)).toBeNull();
    const [row] = await h.db.select().from(leaseDomains).where(eq(leaseDomains.id, d.id));
    expect(row).toMatchObject({ status: "failed", appliedAt: null });
  });

  it("deletes the Ingress when the tenant removes a served domain", async () => {
    dnsServer.zone.set("shop.example.com", { cname: HOST });
    const d = await add(TENANT, "shop.example.com");
    await runDomainChecks({ db: h.db, dns, clientFor });
    expect(await readIngress(d.id)).not.toBeNull();
    await removeCustomDomain({ db: h.db, leaseId: LEASE, address: TENANT, domainId: d.id, clientFor });
    expect(await readIngress(d.id)).toBeNull();
  });
});
