import type { V1Node } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { detectUserNamespaces } from "./detect-user-namespaces";

const node = (name: string, info: Partial<Record<string, string>>): V1Node => ({
  metadata: { name },
  status: {
    nodeInfo: {
      architecture: "amd64",
      bootID: "",
      containerRuntimeVersion: "containerd://2.0.4",
      kernelVersion: "6.8.0-1015-aws",
      kubeProxyVersion: "v1.33.1",
      kubeletVersion: "v1.33.1",
      machineID: "",
      operatingSystem: "linux",
      osImage: "Ubuntu 24.04 LTS",
      systemUUID: "",
      ...info,
    },
  },
});

describe("detectUserNamespaces", () => {
  it.each([
    ["kubelet 1.33, Linux 6.8, containerd 2.0", {}, true, /^All 1 nodes/],
    ["CRI-O 1.25", { containerRuntimeVersion: "cri-o://1.25.0" }, true, /^All/],
    ["Linux 6.3 exactly", { kernelVersion: "6.3.0" }, true, /^All/],
    ["kubelet 1.40", { kubeletVersion: "v1.40.0" }, true, /^All/],
    ["kubelet 1.32 (beta, off by default)", { kubeletVersion: "v1.32.4" }, false, /kubelet is v1\.32\.4/],
    ["kubelet 1.30", { kubeletVersion: "v1.30.0-eks-1" }, false, /kubelet is v1\.30/],
    ["Linux 6.2 (no idmap mounts on tmpfs)", { kernelVersion: "6.2.16" }, false, /kernel is 6\.2\.16/],
    ["Linux 5.15", { kernelVersion: "5.15.0-105-generic" }, false, /kernel is 5\.15/],
    ["containerd 1.7", { containerRuntimeVersion: "containerd://1.7.22" }, false, /containerd:\/\/1\.7\.22/],
    ["CRI-O 1.24", { containerRuntimeVersion: "cri-o://1.24.6" }, false, /cri-o:\/\/1\.24/],
    ["docker", { containerRuntimeVersion: "docker://24.0.7" }, false, /docker/],
    ["Windows", { operatingSystem: "windows" }, false, /runs windows, not Linux/],
    ["an unparseable kernel", { kernelVersion: "unknown" }, false, /kernel is unknown/],
    ["no kubelet version", { kubeletVersion: "" }, false, /of unknown version/],
  ])("%s → %s", (_, info, supported, detail) => {
    const r = detectUserNamespaces([node("n1", info)]);
    expect(r.supported).toBe(supported);
    expect(r.detail).toMatch(detail);
  });

  it("needs every node: one short node makes it false, named", () => {
    const r = detectUserNamespaces([node("a", {}), node("b", { kernelVersion: "5.10.0" })]);
    expect(r).toEqual({
      supported: false,
      detail: "Not available: b's kernel is 5.10.0 (Linux 6.3 or later is needed for idmap mounts on tmpfs).",
    });
  });

  it("is false with no nodes or no node info", () => {
    expect(detectUserNamespaces([]).supported).toBe(false);
    expect(detectUserNamespaces([{ metadata: { name: "x" } }])).toEqual({
      supported: false,
      detail: "Not available: x reports no node info.",
    });
  });
});
