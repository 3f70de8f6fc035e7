import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { clusters } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { type Simulator, startSimulator } from "@/dev/k8s-sim/simulator";
import { provisionKubebidAccess } from "@/dev/provision-kubebid-access";
import { encryptKubeconfig, kubeconfigKeyFromHex } from "@/lib/k8s/kubeconfig-crypto";
import { simClient, simKubeconfig } from "@/lib/k8s/sim-test-client";
import { readClusterExposure, updateClusterExposure } from "./cluster-actions";
import type { ExposureSettings } from "./exposure-settings";

// The console's exposure editor, end to end on the simulator and a real database: the classes the
// cluster has now, a declaration checked against them, and TLS verified as far as KubeBid may.

const keyHex = randomBytes(32).toString("hex");
Object.assign(process.env, { KUBECONFIG_ENCRYPTION_KEY: keyHex, ALLOW_PRIVATE_CLUSTER_ADDRESSES: "true" });
const owner = "0x00000000000000000000000000000000000000d1";

let sim: Simulator;
let handle: DbHandle;
let id = "";
beforeAll(async () => {
  [sim, handle] = await Promise.all([
    startSimulator({ clusters: [{ name: "c", nodes: [{ name: "n1", cpu: "4", memory: "8Gi" }] }] }),
    createTestDb(),
  ]);
  const cluster = sim.cluster("c");
  const token = await provisionKubebidAccess(cluster, sim.caPem);
  // The provider's ingress controller and storage, created with the admin's credentials.
  const admin = simClient(cluster);
  try {
    await admin.requestJson("/apis/networking.k8s.io/v1/ingressclasses", {
      method: "POST",
      body: { metadata: { name: "ex-nginx" }, spec: { controller: "k8s.io/ingress-nginx" } },
    });
    for (const name of ["ex-standard", "ex-fast"])
      await admin.requestJson("/apis/storage.k8s.io/v1/storageclasses", {
        method: "POST",
        body: { metadata: { name }, provisioner: "example.com/csi" },
      });
  } finally {
    await admin.close();
  }
  const kubeconfig = simKubeconfig(cluster, token);
  const [row] = await handle.db
    .insert(clusters)
    .values({
      providerAddress: owner,
      name: "c",
      kubeconfigEnc: encryptKubeconfig(kubeconfig, kubeconfigKeyFromHex(keyHex)),
      server: kubeconfig.server,
      status: "up",
    })
    .returning({ id: clusters.id });
  id = row?.id ?? "";
});
afterAll(async () => {
  await handle?.close();
  await sim?.stop();
});

const settings = (
  patch: Partial<ExposureSettings["exposure"]> = {},
  storage = ["ex-fast"],
): ExposureSettings => ({
  exposure: {
    ingressClass: "ex-nginx",
    ingressNamespace: "ingress-nginx",
    baseDomain: "apps.c.example",
    tls: null,
    ports: "nodeport",
    ...patch,
  },
  storageClasses: storage.map((name, i) => ({ name, pricePerGiBHour: String(100 * (i + 1)) })),
});

describe("cluster exposure from the console", () => {
  it("reads the classes the cluster has now, and nothing declared yet", async () => {
    const r = await readClusterExposure({ db: handle.db, id, address: owner });
    expect(r.settings).toBeNull();
    expect(r.classes.ingressClasses?.map((c) => c.name)).toContain("ex-nginx");
    expect(r.classes.storageClasses?.map((c) => c.name)).toEqual(
      expect.arrayContaining(["ex-fast", "ex-standard"]),
    );
  });

  it("refuses classes the cluster does not have, naming the fields, and stores nothing", async () => {
    await expect(
      updateClusterExposure({
        db: handle.db,
        id,
        address: owner,
        settings: settings({ ingressClass: "traefik" }, ["ex-fast", "gold"]),
      }),
    ).rejects.toMatchObject({
      code: "UNPROCESSABLE",
      details: {
        fields: {
          ingressClass: 'The cluster has no IngressClass "traefik".',
          "storage:gold": 'The cluster has no StorageClass "gold".',
        },
      },
    });
    const [row] = await handle.db.select().from(clusters).where(eq(clusters.id, id));
    expect(row?.exposure).toBeNull();
  });

  it("stores a valid declaration; a ClusterIssuer is 'not verified' where cert-manager is not served", async () => {
    const s = settings(
      { tls: { kind: "cert-manager", issuerKind: "ClusterIssuer", issuer: "letsencrypt" } },
      ["ex-standard", "ex-fast"],
    );
    const r = await updateClusterExposure({ db: handle.db, id, address: owner, settings: s });
    expect(r.tls).toMatchObject({
      status: "not-verified",
      detail: expect.stringMatching(/cert-manager\.io\/v1/),
    });
    const [row] = await handle.db.select().from(clusters).where(eq(clusters.id, id));
    expect(row?.exposure).toEqual(s.exposure);
    expect(row?.storageClasses).toEqual(s.storageClasses);
    expect((await readClusterExposure({ db: handle.db, id, address: owner })).settings).toEqual(s);
  });

  it("is the owner's only", async () => {
    const other = "0x00000000000000000000000000000000000000d2";
    await expect(readClusterExposure({ db: handle.db, id, address: other })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(
      updateClusterExposure({ db: handle.db, id, address: other, settings: settings() }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
