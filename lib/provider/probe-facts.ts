import type { ProbeResult } from "./onboarding-draft";

// What a probe result says about a cluster that the market shows: whether KubeBid's credentials are
// least-privilege, whether NetworkPolicy is enforced, whether pods can run in user namespaces, whether
// GPU utilisation is exposed (clusters columns of the same names).

export interface ProbeFacts {
  leastPrivilege: boolean;
  networkPolicy: "enforced" | "not-verified";
  cni: string | null;
  nodeLocalDns: string | null;
  userNamespaces: boolean;
  gpuMetrics: boolean;
}

export function probeFacts(
  result: Pick<ProbeResult, "leastPrivilege" | "network" | "userNamespaces" | "gpuMetrics">,
): ProbeFacts {
  return {
    leastPrivilege: result.leastPrivilege === true,
    networkPolicy: result.network?.enforcesNetworkPolicy ? "enforced" : "not-verified",
    cni: result.network?.cni ?? result.network?.otherCni ?? null,
    nodeLocalDns: result.network?.nodeLocalDns ?? null,
    userNamespaces: result.userNamespaces === true,
    gpuMetrics: result.gpuMetrics === true,
  };
}

/** A probe that passed, or failed only the "excess" checks of credentials whose risk was accepted. */
export function probeAccepted(
  result: Pick<ProbeResult, "ok" | "onlyExcessFailed">,
  riskAccepted: boolean,
): boolean {
  return result.ok || (riskAccepted && result.onlyExcessFailed === true);
}
