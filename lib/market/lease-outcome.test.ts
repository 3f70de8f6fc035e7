import { describe, expect, it } from "vitest";
import { type LeaseOutcomeInput, leaseOutcome } from "./lease-outcome";

const P = "0x00000000000000000000000000000000000000aa";
const OP = "0x00000000000000000000000000000000000000bb";
const T = (s: number) => new Date(Date.UTC(2026, 10, 30, 12, 0, s));
const base: LeaseOutcomeInput = {
  provider: P,
  status: "active",
  settledAt: T(0),
  startedAt: T(0),
  startDeadline: T(600),
  attestedAt: null,
  unstartedRefund: null,
  endsAt: T(4_000),
  closedAt: null,
  closedBy: null,
};
const at = (now: number, over: Partial<LeaseOutcomeInput> = {}, operator: string | null = OP) =>
  leaseOutcome({ ...base, ...over }, { operator, now: T(now) });

describe("leaseOutcome", () => {
  it("waiting before the deadline, on time once attested, with the seconds it took", () => {
    expect(at(30)).toEqual({ start: "waiting", secondsToStart: null, endedEarly: false });
    expect(at(90, { attestedAt: T(42) })).toEqual({
      start: "on-time",
      secondsToStart: 42,
      endedEarly: false,
    });
  });
  it("never: cancelled unstarted, or the deadline passed without an attestation", () => {
    expect(at(700).start).toBe("never");
    expect(at(30, { unstartedRefund: "1000", status: "closed", closedAt: T(601) }).start).toBe("never");
  });
  it("late: attested after the deadline (the contract refuses it; old data may hold it)", () => {
    expect(at(900, { attestedAt: T(700) }).start).toBe("late");
  });
  it("ended early only when the provider or its operator closed before the end", () => {
    const closed = { status: "closed" as const, attestedAt: T(10), closedAt: T(2_000) };
    expect(at(3_000, { ...closed, closedBy: P }).endedEarly).toBe(true);
    expect(at(3_000, { ...closed, closedBy: OP.toUpperCase().replace("0X", "0x") }).endedEarly).toBe(true);
    // The tenant closing early is the tenant's choice.
    expect(at(3_000, { ...closed, closedBy: "0x00000000000000000000000000000000000000cc" }).endedEarly).toBe(
      false,
    );
    // Closed at (or after) its end is a normal end.
    expect(at(5_000, { ...closed, closedAt: T(4_000), closedBy: P }).endedEarly).toBe(false);
    // A lease cancelled unstarted is counted as "never", not as an early end.
    expect(
      at(700, { ...closed, attestedAt: null, unstartedRefund: "5", closedBy: P, closedAt: T(650) })
        .endedEarly,
    ).toBe(false);
  });
  it("rows without settledAt count from startedAt", () => {
    expect(at(100, { settledAt: null, startedAt: T(5), attestedAt: T(50) }).secondsToStart).toBe(45);
  });
});
