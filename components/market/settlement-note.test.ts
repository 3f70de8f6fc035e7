import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { OrderDetail } from "@/lib/market/get-order-detail";
import { SettlementNote } from "./settlement-note";

// What the auction page tells a tenant about the end of its auction, before and after.

const END = "2026-11-30T12:04:10.000Z";
const REVEAL_END = "2026-11-30T12:05:10.000Z";
const openAuction = {
  format: "open",
  revealWindowSeconds: 0,
  revealEndsAt: null,
  startDeadlineSeconds: 600,
  minReputation: 0,
  commits: 0,
  reveals: [],
  secondPrice: null,
} satisfies OrderDetail["auction"];
const AT = "2026-11-30T12:04:12.000Z";
const local = (iso: string) => new Date(iso).toLocaleTimeString();

const order = (o: Partial<OrderDetail>) =>
  ({
    id: "5",
    status: "open",
    tenant: "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc",
    bidWindowEndsAt: END,
    bestPrice: "50000",
    keeper: true,
    settlement: null,
    auction: openAuction,
    ...o,
  }) as OrderDetail;

const text = (o: Partial<OrderDetail>, secondsLeft: number | null) =>
  renderToStaticMarkup(createElement(SettlementNote, { order: order(o), secondsLeft })).replace(
    /<[^>]+>/g,
    "",
  );

describe("SettlementNote", () => {
  it.each([
    [{}, 65, `Settles automatically at ${local(END)} (in 1m 5s): the best bid then wins.`],
    [
      { bestPrice: null },
      5,
      `Settles automatically at ${local(END)} (in 5s): without a bid by then, the deposit goes back to the tenant.`,
    ],
    [{}, 0, "Settling automatically now…"],
    [{ keeper: false }, 30, `Anyone may settle once the window ends at ${local(END)}.`],
    // A sealed auction settles when its reveal window ends, not its bid window.
    [
      { auction: { ...openAuction, format: "sealed", revealWindowSeconds: 60, revealEndsAt: REVEAL_END } },
      70,
      `Settles automatically at ${local(REVEAL_END)} (in 1m 10s): the lowest reveal then wins at the second-lowest price; without a reveal, the deposit goes back to the tenant.`,
    ],
    [
      {
        keeper: false,
        auction: { ...openAuction, format: "sealed", revealWindowSeconds: 60, revealEndsAt: REVEAL_END },
      },
      70,
      `Anyone may settle once the reveal window ends at ${local(REVEAL_END)}.`,
    ],
    [
      { status: "active", settlement: { by: "keeper", early: false, sender: null, at: AT, txHash: "0x1" } },
      null,
      `Settled automatically by the keeper at ${local(AT)}.`,
    ],
    [
      { status: "active", settlement: { by: "tenant", early: true, sender: "0x99", at: AT, txHash: "0x1" } },
      null,
      `The tenant accepted the best bid early, at ${local(AT)}.`,
    ],
    [
      {
        status: "expired",
        settlement: {
          by: "other",
          early: false,
          sender: "0x976ea74026e726554db657fa54763abd0c3a0aa9",
          at: AT,
          txHash: "0x1",
        },
      },
      null,
      `Settled by 0x976e…0aa9 at ${local(AT)}.`,
    ],
  ] as const)("%j, %s s left", (o, secondsLeft, expected) => {
    expect(text(o as Partial<OrderDetail>, secondsLeft)).toBe(expected);
  });

  it("says nothing before the page has read the clock, or for a settlement not indexed yet", () => {
    expect(text({}, null)).toBe("");
    expect(text({ status: "active" }, null)).toBe("");
  });
});
