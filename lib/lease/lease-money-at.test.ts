import { describe, expect, it } from "vitest";
import { createChainClock } from "@/lib/chain/create-chain-clock";
import { type LeaseTerms, leaseMoneyAt } from "./lease-money-at";

const USD = 1_000_000n;
const HOUR = 3600;
const T0 = 1_900_000_000; // lease start, chain seconds

const terms = (over: Partial<LeaseTerms> = {}): LeaseTerms => ({
  status: "active",
  pricePerHour: String(1_200_000n), // 1.20 USD/h
  startedAt: T0,
  endsAt: T0 + 24 * HOUR,
  escrow: String(10n * USD),
  paidOut: "0",
  ...over,
});

describe("leaseMoneyAt", () => {
  it("accrues price × seconds / 3600 from the start, rounded down like the contract", () => {
    expect(leaseMoneyAt(terms(), T0 + HOUR).spent).toBe(1_200_000n);
    // 1234 s at 1.2 USD/h = 411333.33… base units
    const m = leaseMoneyAt(terms(), T0 + 1234.9);
    expect(m.spent).toBe(411_333n);
    expect(m.left).toBe(10n * USD - 411_333n);
    expect(m.withdrawable).toBe(411_333n);
  });

  it("withdrawable is what accrued minus what was already paid out", () => {
    expect(leaseMoneyAt(terms({ paidOut: "1200000" }), T0 + 2 * HOUR).withdrawable).toBe(1_200_000n);
    expect(leaseMoneyAt(terms({ paidOut: "1200000" }), T0 + HOUR).withdrawable).toBe(0n);
  });

  it("is capped by the escrow and by the duration", () => {
    const exhausted = leaseMoneyAt(terms(), T0 + 20 * HOUR);
    expect(exhausted.spent).toBe(10n * USD);
    expect(exhausted.left).toBe(0n);
    expect(exhausted.runwaySeconds).toBe(0);
    const short = terms({ endsAt: T0 + HOUR, escrow: String(100n * USD) });
    expect(leaseMoneyAt(short, T0 + 5 * HOUR).spent).toBe(1_200_000n);
    expect(leaseMoneyAt(short, T0 + 5 * HOUR).runwaySeconds).toBe(0);
  });

  it("counts nothing before the start", () => {
    expect(leaseMoneyAt(terms(), T0 - 50).spent).toBe(0n);
  });

  it("runway is the sooner of money and time", () => {
    // 10 USD at 1.2/h lasts 30,000 s; the duration is 86,400 s.
    expect(leaseMoneyAt(terms(), T0).runwaySeconds).toBe(30_000);
    expect(leaseMoneyAt(terms(), T0 + 1_000).runwaySeconds).toBe(29_000);
    expect(leaseMoneyAt(terms({ endsAt: T0 + 600 }), T0 + 100).runwaySeconds).toBe(500);
    expect(leaseMoneyAt(terms({ pricePerHour: "0" }), T0 + 100).runwaySeconds).toBe(24 * HOUR - 100);
  });

  it("a closed lease spent what was paid out, holds nothing, and has nothing to withdraw", () => {
    const m = leaseMoneyAt(terms({ status: "closed", paidOut: "777" }), T0 + HOUR);
    expect(m).toEqual({ spent: 777n, left: 0n, withdrawable: 0n, runwaySeconds: 0 });
  });
});

describe("leaseMoneyAt with an attested start and SLA refunds", () => {
  it("accrues nothing before the start is attested: the figures stand still at the full escrow and runway", () => {
    const waiting = terms({ started: false });
    for (const t of [T0, T0 + 300, T0 + 5 * HOUR]) {
      const m = leaseMoneyAt(waiting, t);
      expect(m.spent).toBe(0n);
      expect(m.left).toBe(10n * USD);
      expect(m.withdrawable).toBe(0n);
      expect(m.runwaySeconds).toBe(30_000);
    }
  });

  it("once attested, accrues from the attested start, not from settlement", () => {
    const attestedAt = T0 + 120;
    const started = terms({ startedAt: attestedAt, endsAt: attestedAt + 24 * HOUR, started: true });
    expect(leaseMoneyAt(started, attestedAt + HOUR).spent).toBe(1_200_000n);
    // 3480 s at 1.2 USD/h.
    expect(leaseMoneyAt(started, T0 + HOUR).spent).toBe(1_160_000n);
  });

  it("the provider may withdraw accrued − paidOut − refunded, never below 0", () => {
    // 2 h accrued (2.4 USD), 1 USD withdrawn, 0.3 USD refunded to the tenant out of earnings.
    const m = leaseMoneyAt(terms({ paidOut: "1000000", refunded: "300000" }), T0 + 2 * HOUR);
    expect(m.spent).toBe(2_400_000n);
    expect(m.withdrawable).toBe(1_100_000n);
    // The tenant's escrow is not touched by a refund: what it gets back at close is escrow − accrued.
    expect(m.left).toBe(10n * USD - 2_400_000n);
    expect(leaseMoneyAt(terms({ paidOut: "1000000", refunded: "300000" }), T0 + 1000).withdrawable).toBe(0n);
  });

  it("closed with refunds: spent is what accrued (paidOut + refunded), equal to the last active figure", () => {
    const closeAt = T0 + 2 * HOUR;
    const active = leaseMoneyAt(terms({ paidOut: "1000000", refunded: "300000" }), closeAt);
    // At close the provider was paid the rest: accrued − refunded in all.
    const paidOut = active.spent - 300_000n;
    const closed = leaseMoneyAt(
      terms({ status: "closed", paidOut: String(paidOut), refunded: "300000" }),
      closeAt + 10,
    );
    expect(closed.spent).toBe(active.spent);
  });

  it("a lease cancelled unstarted spent nothing", () => {
    expect(leaseMoneyAt(terms({ status: "closed", started: false }), T0 + HOUR).spent).toBe(0n);
  });

  it("figures never move backwards across the attestation and refunds", () => {
    // Settled at T0, attested at T0 + 90, a refund at T0 + 2 h: sampled every 10 s, as terms change.
    const attestedAt = T0 + 90;
    let lastSpent = -1n;
    let lastLeft = 10n * USD + 1n;
    for (let t = T0; t < T0 + 3 * HOUR; t += 10) {
      const at =
        t < attestedAt
          ? terms({ started: false })
          : terms({
              startedAt: attestedAt,
              endsAt: attestedAt + 24 * HOUR,
              started: true,
              refunded: t >= T0 + 2 * HOUR ? "50000" : "0",
            });
      const m = leaseMoneyAt(at, t);
      expect(m.spent).toBeGreaterThanOrEqual(lastSpent);
      expect(m.left).toBeLessThanOrEqual(lastLeft);
      lastSpent = m.spent;
      lastLeft = m.left;
    }
  });
});

describe("escrow figures across polls", () => {
  // A page polling every 2 s while the chain runs an hour ahead of the browser's clock; each answer
  // arrives 0–900 ms after the server read the chain (a seeded pseudo-random latency). Sampled every
  // 250 ms, spent never goes down and the balance never goes up, and both keep up with chain time.
  it("spent never decreases and the balance never increases", () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const skewMs = HOUR * 1000;
    const localStart = 1_000_000;
    const chainAt = (localMs: number) => T0 * 1000 + 10_000 + (localMs - localStart) + skewMs;
    const lease = terms();
    const clock = createChainClock({ chainMs: chainAt(localStart) }, localStart);
    let pending: { arrivesAt: number; chainMs: number }[] = [];
    let lastSpent = -1n;
    let lastLeft = BigInt(lease.escrow) + 1n;
    let lastRunway = Number.POSITIVE_INFINITY;
    let polls = 0;
    for (let local = localStart; local < localStart + 120_000; local += 250) {
      if ((local - localStart) % 2_000 === 0) {
        // Read now, answered later; answers may overtake each other.
        pending.push({ arrivesAt: local + Math.floor(random() * 900), chainMs: chainAt(local) });
      }
      for (const p of pending.filter((p) => p.arrivesAt <= local)) {
        clock.observe({ chainMs: p.chainMs }, local);
        polls++;
      }
      pending = pending.filter((p) => p.arrivesAt > local);
      const money = leaseMoneyAt(lease, clock.nowMs(local) / 1000);
      expect(money.spent).toBeGreaterThanOrEqual(lastSpent);
      expect(money.left).toBeLessThanOrEqual(lastLeft);
      expect(money.runwaySeconds).toBeLessThanOrEqual(lastRunway);
      lastSpent = money.spent;
      lastLeft = money.left;
      lastRunway = money.runwaySeconds;
      // Never ahead of the chain, and never more than one answer's latency behind it.
      const shown = clock.nowMs(local);
      expect(shown).toBeLessThanOrEqual(chainAt(local));
      expect(chainAt(local) - shown).toBeLessThan(2_000 + 900);
    }
    expect(polls).toBeGreaterThan(50);
    // Two minutes at 1.2 USD/h moved the figures by about 4,000 base units.
    expect(lastSpent).toBeGreaterThan(leaseMoneyAt(lease, chainAt(localStart) / 1000).spent + 3_500n);
  });

  it("the server's render and the first client render agree (no clock movement before mount)", () => {
    const anchor = { chainMs: (T0 + 100) * 1000 + 500 };
    const clock = createChainClock(anchor, 5_000);
    expect(clock.nowMs(5_000)).toBe(anchor.chainMs);
    expect(leaseMoneyAt(terms(), anchor.chainMs / 1000)).toEqual(leaseMoneyAt(terms(), T0 + 100));
  });
});
