import { describe, expect, test } from "vitest";
import { costOfTokens } from "../utils/money.ts";
import { decideReservations, type HoldRequest, type KeyBudget } from "./reservations.ts";

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

describe("decideReservations", () => {
  test("grants in arrival order until the balance runs out; a refusal takes nothing", () => {
    const decisions = decideReservations(
      [request(), request({ requestedTokens: 200 }), request({ requestedTokens: 40 })],
      new Map([["u", 300n]]),
      new Map([["k", unlimited]]),
    );
    expect(decisions).toEqual([
      { ok: true, grantedTokens: 50, amount: 150n },
      { ok: false, reason: "insufficient_credits", affordableTokens: 50 },
      { ok: true, grantedTokens: 40, amount: 140n },
    ]);
  });

  test("the key's limit refuses with key_limit; an inactive or unknown key with key_inactive", () => {
    const keys = new Map<string, KeyBudget>([
      ["limited", { active: true, remaining: 120n }],
      ["off", { active: false }],
    ]);
    const users = new Map([["u", 10_000n]]);
    expect(decideReservations([request({ apiKeyId: "limited" })], users, keys)).toEqual([
      { ok: false, reason: "key_limit", affordableTokens: 20 },
    ]);
    for (const apiKeyId of ["off", "gone"])
      expect(decideReservations([request({ apiKeyId })], users, keys)[0]).toMatchObject({
        ok: false,
        reason: "key_inactive",
      });
  });

  test("without a cap: the most both budgets afford, up to the model's maximum", () => {
    const uncapped = request({ requestedTokens: undefined });
    const users = new Map([
      ["rich", 1_000_000n],
      ["poor", 160n],
    ]);
    const keys = new Map<string, KeyBudget>([
      ["k", unlimited],
      ["small", { active: true, remaining: 130n }],
    ]);
    const [rich, limited, poor] = decideReservations(
      [
        { ...uncapped, userId: "rich" },
        { ...uncapped, userId: "rich", apiKeyId: "small" },
        { ...uncapped, userId: "poor" },
      ],
      users,
      keys,
    );
    expect(rich).toEqual({ ok: true, grantedTokens: 1000, amount: 1100n });
    expect(limited).toEqual({ ok: true, grantedTokens: 30, amount: 130n });
    expect(poor).toEqual({ ok: true, grantedTokens: 60, amount: 160n });
  });

  test("a user that no longer exists is refused; a free model grants its maximum", () => {
    expect(decideReservations([request()], new Map(), new Map([["k", unlimited]]))).toEqual([
      { ok: false, reason: "insufficient_credits", affordableTokens: 0 },
    ]);
    const free = request({ inputCost: 0n, outputPrice: 0n, requestedTokens: undefined });
    expect(decideReservations([free], new Map([["u", 0n]]), new Map([["k", unlimited]]))).toEqual([
      { ok: true, grantedTokens: 1000, amount: costOfTokens(1000, 0n) },
    ]);
  });
});
