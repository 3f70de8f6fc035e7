import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluatePodSecurity, namespacePolicy } from "./pod-security";
import { type SimCluster, type Simulator, startSimulator } from "./simulator";
import { raw, waitFor } from "./test-helpers";
import type { Obj } from "./util";

const spec = (container: Obj = {}, pod: Obj = {}): Obj => ({
  containers: [{ name: "app", image: "nginx", ...container }],
  ...pod,
});
const baseline = (s: Obj, meta: Obj = {}) => evaluatePodSecurity("baseline", meta, s);
const restricted = (s: Obj, meta: Obj = {}) => evaluatePodSecurity("restricted", meta, s);

// KubeBid's lease container (lib/k8s/build-lease-objects.ts): baseline-clean, restricted warns.
const leaseContainer = {
  securityContext: {
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: {
      drop: ["ALL"],
      add: ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID", "NET_BIND_SERVICE"],
    },
    seccompProfile: { type: "RuntimeDefault" },
  },
};

describe("Pod Security Standards checks", () => {
  it("baseline: one row per control of the standard", () => {
    expect(baseline(spec())).toEqual([]);
    expect(baseline(spec(leaseContainer))).toEqual([]);
    const rows: [Obj, Obj, string][] = [
      [
        { securityContext: { privileged: true } },
        {},
        'privileged (container "app" must not set securityContext.privileged=true)',
      ],
      [{}, { hostNetwork: true, hostPID: true }, "host namespaces (hostNetwork=true, hostPID=true)"],
      [{}, { hostIPC: true }, "host namespaces (hostIPC=true)"],
      [
        {},
        {
          volumes: [
            { name: "h", hostPath: { path: "/" } },
            { name: "d", hostPath: { path: "/d" } },
          ],
        },
        'hostPath volumes (volumes "h", "d")',
      ],
      [
        { ports: [{ containerPort: 80, hostPort: 8080 }] },
        {},
        'hostPort (container "app" uses hostPort 8080)',
      ],
      [
        { securityContext: { capabilities: { add: ["SYS_ADMIN", "NET_RAW", "CHOWN"] } } },
        {},
        'non-default capabilities (container "app" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add)',
      ],
      [
        { securityContext: { seccompProfile: { type: "Unconfined" } } },
        {},
        'seccompProfile (container "app" must not set securityContext.seccompProfile.type to "Unconfined")',
      ],
      [
        {},
        { securityContext: { seccompProfile: { type: "Unconfined" } } },
        'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
      ],
      [
        { securityContext: { procMount: "Unmasked" } },
        {},
        'procMount (container "app" must not set securityContext.procMount to "Unmasked")',
      ],
      [
        {},
        {
          securityContext: {
            sysctls: [
              { name: "net.core.somaxconn", value: "1" },
              { name: "net.ipv4.tcp_syncookies", value: "1" },
            ],
          },
        },
        "forbidden sysctls (net.core.somaxconn)",
      ],
      [
        { securityContext: { seLinuxOptions: { type: "spc_t" } } },
        {},
        'seLinuxOptions (container "app" set forbidden securityContext.seLinuxOptions: type "spc_t")',
      ],
      [
        { securityContext: { appArmorProfile: { type: "Unconfined" } } },
        {},
        'forbidden AppArmor profile (container "app" must not set AppArmor profile type to "Unconfined")',
      ],
      [
        { securityContext: { windowsOptions: { hostProcess: true } } },
        {},
        'hostProcess (container "app" must not set securityContext.windowsOptions.hostProcess=true)',
      ],
    ];
    for (const [c, p, message] of rows) expect(baseline(spec(c, p))).toEqual([message]);
  });

  it("restricted: lists violations in the plugin's order (baseline checks first, then restricted, each sorted)", () => {
    expect(restricted(spec({ securityContext: { privileged: true } }))).toEqual([
      'privileged (container "app" must not set securityContext.privileged=true)',
      'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)',
      'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"])',
      'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)',
      'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    ]);
    expect(restricted(spec(leaseContainer))).toEqual([
      'unrestricted capabilities (container "app" must not include "CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID" in securityContext.capabilities.add)',
      'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)',
    ]);
    expect(
      restricted(
        spec(
          {
            securityContext: {
              ...leaseContainer.securityContext,
              capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
            },
          },
          { securityContext: { runAsNonRoot: true, runAsUser: 1000 } },
        ),
      ),
    ).toEqual([]);
    // restricted replaces baseline's hostPath check with the volume-type allow-list
    expect(
      restricted(
        spec(leaseContainer, {
          securityContext: { runAsNonRoot: true },
          volumes: [
            { name: "h", hostPath: { path: "/" } },
            { name: "t", emptyDir: {} },
          ],
        }),
      ),
    ).toEqual([
      'unrestricted capabilities (container "app" must not include "CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID" in securityContext.capabilities.add)',
      'restricted volume types (volume "h" uses restricted volume type "hostPath")',
    ]);
    expect(
      restricted(
        spec(
          {
            ...leaseContainer,
            securityContext: {
              ...leaseContainer.securityContext,
              runAsUser: 0,
              capabilities: { drop: ["ALL"] },
            },
          },
          { securityContext: { runAsNonRoot: true } },
        ),
      ),
    ).toEqual(['runAsUser=0 (container "app" must not set runAsUser=0)']);
  });

  it("reads namespace labels as the plugin does", () => {
    expect(namespacePolicy({})).toMatchObject({
      enforce: { level: "privileged" },
      warn: { level: "privileged" },
    });
    // warn defaults to enforce when unset
    expect(namespacePolicy({ "pod-security.kubernetes.io/enforce": "baseline" }).warn).toEqual({
      level: "baseline",
      version: "latest",
    });
    const p = namespacePolicy({
      "pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/enforce-version": "v1.31",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
    });
    expect(p).toEqual({
      enforce: { level: "baseline", version: "v1.31" },
      audit: { level: "restricted", version: "latest" },
      warn: { level: "restricted", version: "latest" },
    });
  });
});

describe("Pod Security admission over the API", () => {
  let sim: Simulator;
  let c: SimCluster;
  beforeAll(async () => {
    sim = await startSimulator({
      clusters: [{ name: "psa", nodes: [{ name: "n1", cpu: "8", memory: "32Gi" }] }],
      podStartDelayMs: 40,
      tickMs: 20,
    });
    c = sim.cluster("psa");
    await raw(c, sim.caPem, "POST", "/api/v1/namespaces", {
      body: {
        metadata: {
          name: "lease",
          labels: {
            "pod-security.kubernetes.io/enforce": "baseline",
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
          },
        },
      },
    });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  const deployment = (name: string, container: Obj, pod: Obj = {}) => ({
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "app", image: "nginx:1.27", ...container }], ...pod },
      },
    },
  });

  it("a Deployment that meets baseline is created with the restricted violations as Warning headers", async () => {
    const r = await raw(c, sim.caPem, "POST", "/apis/apps/v1/namespaces/lease/deployments", {
      body: deployment("web", leaseContainer),
    });
    expect(r.status).toBe(201);
    const warnings = ([] as string[]).concat(r.headers.warning ?? []);
    expect(warnings).toEqual([
      '299 - "would violate PodSecurity \\"restricted:latest\\": unrestricted capabilities (container \\"app\\" must not include \\"CHOWN\\", \\"DAC_OVERRIDE\\", \\"FOWNER\\", \\"SETGID\\", \\"SETUID\\" in securityContext.capabilities.add), runAsNonRoot != true (pod or container \\"app\\" must set securityContext.runAsNonRoot=true)"',
    ]);
    // its pod passes baseline and runs (nginx as root with the capabilities it needs)
    await waitFor(
      async () => {
        const pods = (await raw(c, sim.caPem, "GET", "/api/v1/namespaces/lease/pods?labelSelector=app%3Dweb"))
          .json;
        return pods.items[0]?.status?.phase === "Running";
      },
      5000,
      "web running",
    );
    // a clean object gets no warning
    const clean = await raw(c, sim.caPem, "POST", "/apis/apps/v1/namespaces/lease/deployments", {
      body: deployment(
        "clean",
        {
          image: "nginxinc/nginx-unprivileged:1.27",
          securityContext: { ...leaseContainer.securityContext, capabilities: { drop: ["ALL"] } },
        },
        { securityContext: { runAsNonRoot: true } },
      ),
    });
    expect(clean.status).toBe(201);
    expect(clean.headers.warning).toBeUndefined();
  });

  it("a pod that breaks baseline is refused with the enforce message; its Deployment only warns", async () => {
    const bad = { securityContext: { privileged: true } };
    const pod = await raw(c, sim.caPem, "POST", "/api/v1/namespaces/lease/pods", {
      body: {
        metadata: { name: "p" },
        spec: { containers: [{ name: "app", image: "nginx", ...bad }], hostNetwork: true },
      },
    });
    expect(pod.status).toBe(403);
    expect(pod.json).toMatchObject({
      reason: "Forbidden",
      message:
        'pods "p" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), privileged (container "app" must not set securityContext.privileged=true)',
    });
    const dep = await raw(c, sim.caPem, "POST", "/apis/apps/v1/namespaces/lease/deployments", {
      body: deployment("priv", bad),
    });
    expect(dep.status).toBe(201);
    expect(String(dep.headers.warning)).toContain(
      'would violate PodSecurity \\"restricted:latest\\": privileged',
    );
    const ev = await waitFor(
      async () => {
        const list = (await raw(c, sim.caPem, "GET", "/api/v1/namespaces/lease/events")).json;
        return list.items.find(
          (e: Obj) => e.reason === "FailedCreate" && e.involvedObject.kind === "ReplicaSet",
        );
      },
      5000,
      "FailedCreate",
    );
    expect(ev.message).toContain('violates PodSecurity "baseline:latest": privileged');
  });
});
