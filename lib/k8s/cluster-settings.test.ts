import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { getClusterSettings } from "./cluster-settings";

describe("getClusterSettings", () => {
  it("reads the key and the dev flags from the config", () => {
    const settings = getClusterSettings(
      parseConfig({ KUBECONFIG_ENCRYPTION_KEY: "ab".repeat(32), ALLOW_PRIVATE_CLUSTER_ADDRESSES: "true" }),
    );
    expect(settings.key).toHaveLength(32);
    expect(settings).toMatchObject({ allowPrivate: true, allowInsecure: false, inventoryIntervalMs: 15_000 });
  });

  it("refuses to run without a key", () => {
    expect(() => getClusterSettings(parseConfig({}))).toThrow(/KUBECONFIG_ENCRYPTION_KEY/);
  });
});
