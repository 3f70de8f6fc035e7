import { describe, expect, it } from "vitest";
import { classifyDaemonSets } from "./detect-cluster-network";

const ds = (name: string, labels: Record<string, string> = {}, args?: string[]) => ({
  metadata: { name, labels },
  spec: { template: { spec: { containers: [{ args }] } } },
});

describe("classifyDaemonSets", () => {
  it.each([
    [[ds("calico-node")], "calico"],
    [[ds("canal", { "k8s-app": "canal" })], "calico"],
    [[ds("cilium")], "cilium"],
    [[ds("antrea-agent-x", { app: "antrea", component: "antrea-agent" })], "antrea"],
    [[ds("kube-router")], "kube-router"],
    [[ds("kube-flannel-ds"), ds("calico-node")], "calico"],
  ])("finds a NetworkPolicy-enforcing CNI (%#)", (items, cni) => {
    expect(classifyDaemonSets(items)).toMatchObject({ cni, enforcesNetworkPolicy: true });
  });

  it("does not count flannel alone, or nothing, as enforcing", () => {
    expect(classifyDaemonSets([ds("kube-flannel-ds", { app: "flannel" })])).toEqual({
      cni: null,
      otherCni: "flannel",
      enforcesNetworkPolicy: false,
      nodeLocalDns: null,
    });
    expect(classifyDaemonSets([])).toMatchObject({ cni: null, otherCni: null, enforcesNetworkPolicy: false });
  });

  it("reads NodeLocal DNSCache's link-local address from its args, and believes nothing else", () => {
    const nodelocal = (args: string[]) =>
      classifyDaemonSets([ds("node-local-dns", { "k8s-app": "node-local-dns" }, args)]);
    expect(nodelocal(["-localip", "169.254.20.10,10.96.0.10", "-conf", "/etc/Corefile"]).nodeLocalDns).toBe(
      "169.254.20.10",
    );
    expect(nodelocal(["--localip=169.254.25.10"]).nodeLocalDns).toBe("169.254.25.10");
    // A private address would open lease egress to the provider's network: ignored.
    expect(nodelocal(["-localip", "10.0.0.10"]).nodeLocalDns).toBeNull();
    expect(nodelocal(["-localip", "169.254.20.10.evil"]).nodeLocalDns).toBeNull();
  });
});
