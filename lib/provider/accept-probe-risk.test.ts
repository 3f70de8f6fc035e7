import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { DbHandle } from "@/db/client";
import { clusters } from "@/db/schema";
import { createTestDb } from "@/db/test-db";
import { encryptKubeconfig, kubeconfigKeyFromHex } from "@/lib/k8s/kubeconfig-crypto";
import { makeTestCerts } from "@/lib/k8s/make-test-certs";
import type { ProbeCheck } from "@/lib/k8s/probe-cluster";
import { validateKubeconfig } from "@/lib/k8s/validate-kubeconfig";
import { acceptProbeRisk } from "./accept-probe-risk";
import { completeOnboarding } from "./complete-onboarding";
import type { ExposureSettings } from "./exposure-settings";
import { getDraft, type ProbeResult, saveDraft } from "./onboarding-draft";

// Over-privileged credentials: the provider may accept the risk only when nothing but the "excess"
// checks failed, and the acceptance and the probe's facts are stored with the cluster.

const keyHex = randomBytes(32).toString("hex");
Object.assign(process.env, { KUBECONFIG_ENCRYPTION_KEY: keyHex });
const certs = makeTestCerts();

/** A real stored kubeconfig (onboarding decrypts it to resolve the cluster's identity). */
function encryptedKubeconfig(server: string): string {
  const yaml = stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "c",
        cluster: { server, "certificate-authority-data": Buffer.from(certs.caPem).toString("base64") },
      },
    ],
    users: [{ name: "u", user: { token: "abc.def-123" } }],
    contexts: [{ name: "u@c", context: { cluster: "c", user: "u" } }],
    "current-context": "u@c",
  });
  return encryptKubeconfig(validateKubeconfig(yaml), kubeconfigKeyFromHex(keyHex));
}
// Each test cluster's DNS name answers with its own documentation-range address.
const resolve = async (host: string) => [`203.0.113.${Number.parseInt(host.slice(1, 5), 16) % 250}`];

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => {
  await handle?.close();
});

const check = (id: string, status: ProbeCheck["status"], kind?: "excess"): ProbeCheck => ({
  id,
  label: id,
  status,
  detail: "",
  hint: null,
  ...(kind ? { kind } : {}),
});

function probe(checks: ProbeCheck[]): ProbeResult {
  const failed = checks.filter((c) => c.status === "fail");
  return {
    ok: failed.length === 0,
    checks,
    version: "v1.31.2",
    metricsApi: true,
    inventory: null,
    at: new Date().toISOString(),
    leastPrivilege: !checks.some((c) => c.kind === "excess" && c.status === "fail"),
    onlyExcessFailed: failed.length > 0 && failed.every((c) => c.kind === "excess"),
    network: { cni: "calico", otherCni: null, enforcesNetworkPolicy: true, nodeLocalDns: "169.254.20.10" },
  };
}

const EXPOSURE: ExposureSettings = {
  exposure: {
    ingressClass: "nginx",
    ingressNamespace: "ingress-nginx",
    baseDomain: "apps.risky.example",
    tls: { kind: "cert-manager", issuerKind: "ClusterIssuer", issuer: "letsencrypt" },
    ports: "loadbalancer",
  },
  storageClasses: [
    { name: "standard", pricePerGiBHour: "100" },
    { name: "fast-ssd", pricePerGiBHour: "250" },
  ],
};

async function draftWith(address: string, result: ProbeResult, exposure: ExposureSettings | null = EXPOSURE) {
  await saveDraft({
    db: handle.db,
    address,
    step: 4,
    data: {
      profile: { name: "Risky", website: "", contact: "ops@risky.example", region: "eu-west-1" },
      kubeconfigEnc: encryptedKubeconfig(`https://c${address.slice(-4)}.example:6443`),
      server: `https://c${address.slice(-4)}.example:6443`,
      clusterName: "c",
      probe: result,
      exposure: exposure ?? undefined,
      settings: {
        pricing: { cpuCoreHour: "1", memoryGibHour: "1", storageGibHour: "1", gpuHour: {} },
        bidStrategy: "floor",
        undercutStep: "1",
        autoBid: false,
      },
    },
  });
}

describe("acceptProbeRisk", () => {
  it("accepts over-privileged credentials explicitly, and onboarding stores it with the probe's facts", async () => {
    const address = "0x00000000000000000000000000000000000000a1";
    await draftWith(address, probe([check("perm:nodes", "pass"), check("deny:secrets", "fail", "excess")]));
    const registered = async () => true;
    await expect(completeOnboarding({ db: handle.db, address, registered, resolve })).rejects.toMatchObject({
      code: "UNPROCESSABLE",
    });
    const draft = await acceptProbeRisk({ db: handle.db, address, accept: true });
    expect(draft.probe?.riskAccepted).toBe(true);
    const { clusterId } = await completeOnboarding({ db: handle.db, address, registered, resolve });
    const [row] = await handle.db.select().from(clusters).where(eq(clusters.id, clusterId));
    expect(row).toMatchObject({
      riskAccepted: true,
      leastPrivilege: false,
      networkPolicy: "enforced",
      cni: "calico",
      nodeLocalDns: "169.254.20.10",
    });
  });

  it("can be withdrawn, and refuses when other checks failed", async () => {
    const address = "0x00000000000000000000000000000000000000a2";
    await draftWith(address, probe([check("deny:secrets", "fail", "excess")]));
    await acceptProbeRisk({ db: handle.db, address, accept: true });
    await acceptProbeRisk({ db: handle.db, address, accept: false });
    expect((await getDraft({ db: handle.db, address })).data.probe?.riskAccepted).toBe(false);

    await draftWith(address, probe([check("perm:nodes", "fail"), check("deny:secrets", "fail", "excess")]));
    await expect(acceptProbeRisk({ db: handle.db, address, accept: true })).rejects.toMatchObject({
      code: "UNPROCESSABLE",
      message: expect.stringMatching(/fix the other failed checks/),
    });
  });

  it("stores a least-privilege cluster as such, with nothing accepted", async () => {
    const address = "0x00000000000000000000000000000000000000a3";
    const result = probe([check("perm:nodes", "pass"), check("deny:secrets", "pass", "excess")]);
    await draftWith(address, {
      ...result,
      network: { cni: null, otherCni: "flannel", enforcesNetworkPolicy: false, nodeLocalDns: null },
    });
    const { clusterId } = await completeOnboarding({
      db: handle.db,
      address,
      registered: async () => true,
      resolve,
    });
    const [row] = await handle.db.select().from(clusters).where(eq(clusters.id, clusterId));
    expect(row).toMatchObject({
      riskAccepted: false,
      leastPrivilege: true,
      networkPolicy: "not-verified",
      cni: "flannel",
    });
  });
});

describe("completeOnboarding", () => {
  it("stores the exposure, the priced storage classes and user-namespace support step 6 and the probe found", async () => {
    const address = "0x00000000000000000000000000000000000000b1";
    await draftWith(address, { ...probe([check("perm:nodes", "pass")]), userNamespaces: true });
    const { clusterId } = await completeOnboarding({
      db: handle.db,
      address,
      registered: async () => true,
      resolve,
    });
    const [row] = await handle.db.select().from(clusters).where(eq(clusters.id, clusterId));
    expect(row?.exposure).toEqual(EXPOSURE.exposure);
    expect(row?.storageClasses).toEqual(EXPOSURE.storageClasses);
    expect(row?.userNamespaces).toBe(true);
  });

  it("refuses a draft without step 6, and stores user namespaces as false unless the probe found them", async () => {
    const address = "0x00000000000000000000000000000000000000b2";
    await draftWith(address, probe([check("perm:nodes", "pass")]), null);
    await expect(
      completeOnboarding({ db: handle.db, address, registered: async () => true, resolve }),
    ).rejects.toMatchObject({ code: "UNPROCESSABLE", message: "Exposure and storage are not set (step 6)." });
    await draftWith(address, probe([check("perm:nodes", "pass")]), {
      exposure: { ...EXPOSURE.exposure, ingressClass: null, baseDomain: null, tls: null, ports: "none" },
      storageClasses: [],
    });
    const { clusterId } = await completeOnboarding({
      db: handle.db,
      address,
      registered: async () => true,
      resolve,
    });
    const [row] = await handle.db.select().from(clusters).where(eq(clusters.id, clusterId));
    expect(row).toMatchObject({ storageClasses: [], userNamespaces: false });
    expect(row?.exposure?.ingressClass).toBeNull();
  });
});
