import type { ContainerStateView } from "@/lib/k8s/summarize-pod";

// A container state in the words `kubectl describe pod` uses, for the lease page: a label, a tone and
// the detail behind it (the back-off message, the exit code and signal, when it finished). Client-safe.

export interface ContainerStateText {
  label: string;
  tone: "green" | "amber" | "red" | "gray";
  detail: string | null;
}

export function describeContainerState(s: ContainerStateView | null): ContainerStateText {
  if (!s) return { label: "Unknown", tone: "gray", detail: null };
  if (s.state === "running")
    return { label: "Running", tone: "green", detail: s.startedAt ? `since ${s.startedAt}` : null };
  if (s.state === "waiting") {
    const reason = s.reason ?? "Waiting";
    const creating = reason === "ContainerCreating" || reason === "PodInitializing";
    return { label: reason, tone: creating ? "gray" : "amber", detail: s.message };
  }
  const exit = s.exitCode !== null ? `exit ${s.exitCode}` : null;
  const signal = s.signal !== null ? `signal ${s.signal}` : null;
  const code = [exit, signal].filter(Boolean).join(", ");
  const ok = s.exitCode === 0 && (s.reason === null || s.reason === "Completed");
  return {
    label: `${s.reason ?? "Terminated"}${code ? ` (${code})` : ""}`,
    tone: ok ? "gray" : "red",
    detail: [s.message, s.finishedAt ? `finished ${s.finishedAt}` : null].filter(Boolean).join(" · ") || null,
  };
}
