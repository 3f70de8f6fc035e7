import { describe, expect, it } from "vitest";
import type { ContainerStateView } from "@/lib/k8s/summarize-pod";
import { describeContainerState } from "@/lib/lease/describe-container-state";

const none = { message: null, exitCode: null, signal: null, startedAt: null, finishedAt: null };
const at = "2026-11-30T10:00:00Z";

describe("describeContainerState", () => {
  it.each<[string, ContainerStateView | null, ReturnType<typeof describeContainerState>]>([
    ["not reported yet", null, { label: "Unknown", tone: "gray", detail: null }],
    [
      "running",
      { ...none, state: "running", reason: null, startedAt: at },
      { label: "Running", tone: "green", detail: `since ${at}` },
    ],
    [
      "back-off after a crash",
      {
        ...none,
        state: "waiting",
        reason: "CrashLoopBackOff",
        message: "back-off 40s restarting failed container=app pod=web-0_kb-lease-1(uid)",
      },
      {
        label: "CrashLoopBackOff",
        tone: "amber",
        detail: "back-off 40s restarting failed container=app pod=web-0_kb-lease-1(uid)",
      },
    ],
    [
      "being created",
      { ...none, state: "waiting", reason: "ContainerCreating" },
      { label: "ContainerCreating", tone: "gray", detail: null },
    ],
    [
      "killed at its memory limit",
      { ...none, state: "terminated", reason: "OOMKilled", exitCode: 137, finishedAt: at },
      { label: "OOMKilled (exit 137)", tone: "red", detail: `finished ${at}` },
    ],
    [
      "an error with its exit code",
      { ...none, state: "terminated", reason: "Error", exitCode: 2, signal: 15 },
      { label: "Error (exit 2, signal 15)", tone: "red", detail: null },
    ],
    [
      "completed",
      { ...none, state: "terminated", reason: "Completed", exitCode: 0 },
      { label: "Completed (exit 0)", tone: "gray", detail: null },
    ],
  ])("%s", (_what, state, want) => {
    expect(describeContainerState(state)).toEqual(want);
  });
});
