import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "@/dev/k8s-sim/simulator";
import { provisionKubebidAccess } from "@/dev/provision-kubebid-access";
import { checkExposureTls } from "./check-exposure-tls";
import type { ClusterClient } from "./cluster-client";
import { simClient } from "./sim-test-client";

// The TLS a provider declares, checked with KubeBid's least-privilege token on the simulator. The
// simulator serves no cert-manager API (no CRDs), so a ClusterIssuer cannot be verified there.

let sim: Simulator;
let client: ClusterClient;
beforeAll(async () => {
  sim = await startSimulator({ clusters: [{ name: "c", nodes: [{ name: "n1", cpu: "4", memory: "8Gi" }] }] });
  const cluster = sim.cluster("c");
  client = simClient(cluster, { token: await provisionKubebidAccess(cluster, sim.caPem) });
});
afterAll(async () => {
  await client?.close();
  await sim?.stop();
});

describe("checkExposureTls", () => {
  it.each([
    [null, "none", /^No TLS/],
    [
      { kind: "secret", namespace: "ingress-nginx", name: "wildcard" },
      "not-verified",
      /may not read Secrets, so it cannot see ingress-nginx\/wildcard/,
    ],
    [{ kind: "cert-manager", issuerKind: "Issuer", issuer: "le" }, "not-verified", /an Issuer is namespaced/],
    [
      { kind: "cert-manager", issuerKind: "ClusterIssuer", issuer: "letsencrypt" },
      "not-verified",
      /does not serve cert-manager\.io\/v1/,
    ],
  ] as const)("%j → %s", async (tls, status, detail) => {
    const r = await checkExposureTls(client, tls);
    expect(r.status).toBe(status);
    expect(r.detail).toMatch(detail);
  });
});
