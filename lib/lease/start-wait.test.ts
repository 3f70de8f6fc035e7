import { describe, expect, it } from "vitest";
import { type StartWaitInput, startWait } from "./start-wait";

const T0 = 1_900_000_000;
const input = (over: Partial<StartWaitInput> = {}): StartWaitInput => ({
  status: "active",
  settledAt: T0,
  attestedAt: null,
  startDeadline: T0 + 600,
  unstarted: false,
  nowSeconds: T0 + 100,
  ...over,
});

describe("startWait", () => {
  it("counts down to the start deadline while unattested", () => {
    expect(startWait(input())).toEqual({ state: "waiting", deadline: T0 + 600, secondsLeft: 500 });
    expect(startWait(input({ nowSeconds: T0 + 599.9 }))).toEqual({
      state: "waiting",
      deadline: T0 + 600,
      secondsLeft: 1,
    });
  });

  it("is overdue from the deadline on, until the lease is cancelled", () => {
    expect(startWait(input({ nowSeconds: T0 + 600 }))).toEqual({ state: "overdue", deadline: T0 + 600 });
    expect(startWait(input({ status: "closed", unstarted: true, nowSeconds: T0 + 700 }))).toEqual({
      state: "cancelled",
    });
  });

  it("once attested, says when and how long settlement → Running took", () => {
    expect(startWait(input({ attestedAt: T0 + 42, nowSeconds: T0 + 5000 }))).toEqual({
      state: "started",
      attestedAt: T0 + 42,
      secondsToRunning: 42,
    });
  });

  it("claims nothing without a deadline or for a lease closed otherwise", () => {
    expect(startWait(input({ startDeadline: null })).state).toBe("unknown");
    expect(startWait(input({ status: "closed" })).state).toBe("unknown");
  });
});
