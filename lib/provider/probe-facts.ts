import type { ProbeResult } from "./onboarding-draft";

// What a probe result says about a cluster that the market shows: whether KubeBid's credentials are
// least-privilege and whether NetworkPolicy is enforced (clusters columns of the same names).

export interface ProbeFacts {
  leastPrivilege: boolean;
  networkPolicy: "enforced" | "not-verified";
  cni: string | null;
  nodeLocalDns: string | null;
}

export function probeFacts(result: Pick<ProbeResult, "leastPrivilege" | "network">): ProbeFacts {
  return {
    leastPrivilege: result.leastPrivilege === true,
    networkPolicy: result.network?.enforcesNetworkPolicy ? "enforced" : "not-verified",
    cni: result.network?.cni ?? result.network?.otherCni ?? null,
    nodeLocalDns: result.network?.nodeLocalDns ?? null,
  };
}

/** A probe that passed, or failed only the "excess" checks of credentials whose risk was accepted. */
export function probeAccepted(
  result: Pick<ProbeResult, "ok" | "onlyExcessFailed">,
  riskAccepted: boolean,
): boolean {
  return result.ok || (riskAccepted && result.onlyExcessFailed === true);
}
