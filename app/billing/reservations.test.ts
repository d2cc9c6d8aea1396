import { describe, expect, test } from "vitest";
import { decideReservations, memberOf, type HoldRequest, type KeyBudget } from "./reservations.ts";

const request = (overrides: Partial<HoldRequest> = {}): HoldRequest => ({
  requestId: "r",
  userId: "u",
  apiKeyId: "k",
  inputCost: 100n,
  outputPrice: 1_000_000n, // 1 µcr per token
  requestedTokens: 50,
  modelMaxTokens: 1000,
  ...overrides,
});
const unlimited: KeyBudget = { active: true, remaining: null };
const budgets = (
  users: [string, bigint][],
  keys: [string, KeyBudget][] = [["k", unlimited]],
  free: [string, bigint][] = [],
) => ({ users: new Map(users), keys: new Map(keys), free: new Map(free) });

describe("decideReservations", () => {
  test("grants in arrival order until the balance runs out; a refusal takes nothing", () => {
    const decisions = decideReservations(
      [request(), request({ requestedTokens: 200 }), request({ requestedTokens: 40 })],
      budgets([["u", 300n]]),
    );
    expect(decisions).toEqual([
      { reservation: { ok: true, grantedTokens: 50, amount: 150n }, added: 150n },
      {
        reservation: { ok: false, reason: "insufficient_credits", affordableTokens: 50 },
        added: 0n,
      },
      { reservation: { ok: true, grantedTokens: 40, amount: 140n }, added: 140n },
    ]);
  });

  test("a team member's monthly limit is shared by their keys; others in the team are not held to it", () => {
    const keys: [string, KeyBudget][] = [
      ["k1", unlimited],
      ["k2", unlimited],
      ["k3", unlimited],
    ];
    const decisions = decideReservations(
      [
        request({ apiKeyId: "k1", memberId: "t:a" }),
        request({ apiKeyId: "k2", memberId: "t:a" }),
        request({ apiKeyId: "k3", memberId: "t:b" }),
        request({ apiKeyId: "k1", memberId: "t:a", requestedTokens: 10 }),
      ],
      { ...budgets([["u", 10_000n]], keys), members: new Map([["t:a", 200n]]) },
    );
    expect(decisions.map(({ reservation }) => reservation)).toEqual([
      { ok: true, grantedTokens: 50, amount: 150n },
      { ok: false, reason: "member_limit", affordableTokens: 0, period: "month" },
      { ok: true, grantedTokens: 50, amount: 150n },
      // 50 µcr left: the input (100) does not fit.
      { ok: false, reason: "member_limit", affordableTokens: 0, period: "month" },
    ]);
    expect(memberOf({ userId: "u", createdById: "u" })).toBeUndefined();
    expect(memberOf({ userId: "t", createdById: "a" })).toBe("t:a");
  });

  test("what the key's hold has free is used first; only the rest is added to it", () => {
    const decisions = decideReservations(
      [request(), request()],
      budgets([["u", 100n]], [["k", unlimited]], [["k", 200n]]),
    );
    expect(decisions.map((d) => [d.reservation.ok, d.added])).toEqual([
      [true, 0n],
      [true, 100n],
    ]);
  });

  test("the key's limit refuses with key_limit; an inactive or unknown key with key_inactive", () => {
    const keys: [string, KeyBudget][] = [
      ["limited", { active: true, remaining: 120n }],
      ["off", { active: false }],
    ];
    const both = budgets([["u", 10_000n]], keys);
    expect(decideReservations([request({ apiKeyId: "limited" })], both)[0]!.reservation).toEqual({
      ok: false,
      reason: "key_limit",
      affordableTokens: 20,
    });
    for (const apiKeyId of ["off", "gone"])
      expect(decideReservations([request({ apiKeyId })], both)[0]!.reservation).toMatchObject({
        ok: false,
        reason: "key_inactive",
      });
  });

  test("a daily or monthly limit refuses with key_period_limit naming its period; the tighter limit governs", () => {
    const keys: [string, KeyBudget][] = [
      ["monthly", { active: true, remaining: 10_000n, period: { name: "month", remaining: 130n } }],
      ["lifetime", { active: true, remaining: 120n, period: { name: "day", remaining: 10_000n } }],
    ];
    const both = budgets([["u", 10_000n]], keys);
    expect(decideReservations([request({ apiKeyId: "monthly" })], both)[0]!.reservation).toEqual({
      ok: false,
      reason: "key_period_limit",
      affordableTokens: 30,
      period: "month",
    });
    expect(decideReservations([request({ apiKeyId: "lifetime" })], both)[0]!.reservation).toEqual({
      ok: false,
      reason: "key_limit",
      affordableTokens: 20,
    });
    // Grants use both: two requests of 60 fit a period budget of 130 once (100 input each).
    const [first, second] = decideReservations(
      [
        request({ apiKeyId: "monthly", requestedTokens: 10 }),
        request({ apiKeyId: "monthly", requestedTokens: 10 }),
      ],
      both,
    );
    expect(first!.reservation).toMatchObject({ ok: true, amount: 110n });
    expect(second!.reservation).toMatchObject({ ok: false, reason: "key_period_limit" });
    // Without a cap: what the period budget affords.
    const uncapped = decideReservations(
      [request({ apiKeyId: "monthly", requestedTokens: undefined })],
      both,
    );
    expect(uncapped[0]!.reservation).toMatchObject({ ok: true, grantedTokens: 30 });
  });

  test("without a cap: the most both budgets afford, up to the model's maximum", () => {
    const uncapped = request({ requestedTokens: undefined });
    const [rich, limited, poor] = decideReservations(
      [
        { ...uncapped, userId: "rich" },
        { ...uncapped, userId: "rich", apiKeyId: "small" },
        { ...uncapped, userId: "poor" },
      ],
      budgets(
        [
          ["rich", 1_000_000n],
          ["poor", 160n],
        ],
        [
          ["k", unlimited],
          ["small", { active: true, remaining: 130n }],
        ],
      ),
    );
    expect(rich!.reservation).toEqual({ ok: true, grantedTokens: 1000, amount: 1100n });
    expect(limited!.reservation).toEqual({ ok: true, grantedTokens: 30, amount: 130n });
    expect(poor!.reservation).toEqual({ ok: true, grantedTokens: 60, amount: 160n });
  });

  test("a user that no longer exists is refused; a free model grants its maximum", () => {
    expect(decideReservations([request()], budgets([]))[0]!.reservation).toEqual({
      ok: false,
      reason: "insufficient_credits",
      affordableTokens: 0,
    });
    const free = request({ inputCost: 0n, outputPrice: 0n, requestedTokens: undefined });
    expect(decideReservations([free], budgets([["u", 0n]]))[0]).toEqual({
      reservation: { ok: true, grantedTokens: 1000, amount: 0n },
      added: 0n,
    });
  });
});
