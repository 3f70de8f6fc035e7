import { keccak256, toHex } from "viem";
import { describe, expect, it } from "vitest";
import { deploymentView } from "./deployment-view";
import { manifestSchema, sealSecrets } from "./manifest";

describe("deploymentView", () => {
  it("shows a v2 deployment's secrets by name only, and its totals", () => {
    const { manifest } = sealSecrets(
      {
        version: 2,
        name: "shop",
        secrets: [{ name: "db-password", value: "hunter2" }],
        services: [
          {
            name: "db",
            image: "postgres:16",
            env: [{ name: "POSTGRES_PASSWORD", secret: "db-password" }],
            resources: { cpu: 1000, memory: 1024, storage: 0 },
            volumes: [{ name: "data", mount: "/data", size: 2048, storageClass: "standard" }],
          },
        ],
      },
      () => keccak256(toHex("salt")),
    );
    const view = deploymentView(manifestSchema.parse(manifest));
    expect(view.secrets).toEqual([{ name: "db-password", set: true }]);
    expect(JSON.stringify(view)).not.toMatch(/digest|hunter2|0x[0-9a-f]{64}/);
    expect(view.totals).toMatchObject({
      cpuMillis: 1000,
      volumes: [{ storageClass: "standard", sizeMiB: 2048 }],
    });
  });

  it("shows a v1 manifest as one service", () => {
    const view = deploymentView(
      manifestSchema.parse({
        name: "web",
        image: "nginx:1.27",
        replicas: 2,
        resources: { cpu: 500, memory: 256 },
      }),
    );
    expect(view).toMatchObject({ version: 1, name: "web", podSecurity: "baseline", secrets: [] });
    expect(view.services.map((s) => [s.name, s.replicas])).toEqual([["web", 2]]);
    expect(view.totals).toMatchObject({ cpuMillis: 1000, memoryMiB: 512, replicas: 2 });
  });
});
