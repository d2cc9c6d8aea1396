import { expect, test } from "vitest";
import { KeyRulesLoosenedError, looseningsOf, type StoredKeyRules } from "./key-rule-loosening.ts";

const NONE: StoredKeyRules = {
  enabled: true,
  logContent: false,
  creditLimit: null,
  expiresAt: null,
  allowedModels: [],
  rpmLimit: null,
  tpmLimit: null,
  periodLimit: null,
  limitPeriod: null,
};
const LIMITED: StoredKeyRules = {
  enabled: false,
  logContent: true,
  creditLimit: 100_000_000n,
  expiresAt: new Date("2027-01-31T00:00:00Z"),
  allowedModels: ["a", "b"],
  rpmLimit: 10,
  tpmLimit: 1000,
  periodLimit: 50_000_000n,
  limitPeriod: "day",
};
const fields = (current: StoredKeyRules, change: Parameters<typeof looseningsOf>[1]) =>
  looseningsOf(current, change).map((loosening) => loosening.field);

test("removing or raising the lifetime credit limit loosens it; lowering it does not", () => {
  expect(fields(LIMITED, { creditLimit: null })).toEqual(["creditLimit"]);
  expect(fields(LIMITED, { creditLimit: 100_000_001n })).toEqual(["creditLimit"]);
  expect(fields(LIMITED, { creditLimit: 100_000_000n })).toEqual([]);
  expect(fields(LIMITED, { creditLimit: 1_000_000n })).toEqual([]);
  expect(fields(NONE, { creditLimit: 1_000_000n })).toEqual([]);
});

test("adding any rule to a key without rules is stricter", () => {
  expect(
    fields(NONE, {
      enabled: false,
      logContent: true,
      expiresAt: new Date("2027-01-01T00:00:00Z"),
      allowedModels: ["a"],
      rpmLimit: 1,
      tpmLimit: 1,
      periodLimit: { micro: 1n, period: "month" },
    }),
  ).toEqual([]);
  // And taking away rules a key does not have loosens nothing.
  expect(
    fields(NONE, { expiresAt: null, allowedModels: [], rpmLimit: null, enabled: true }),
  ).toEqual([]);
});

test("the same rules, or lower, fewer and earlier ones, are not looser; a missing field is no change", () => {
  expect(fields(LIMITED, {})).toEqual([]);
  expect(
    fields(LIMITED, {
      enabled: false,
      logContent: true,
      expiresAt: new Date("2027-01-30T00:00:00Z"),
      allowedModels: ["b"],
      rpmLimit: 10,
      tpmLimit: 999,
      periodLimit: { micro: 50_000_000n, period: "day" },
    }),
  ).toEqual([]);
});

test("each loosening is found, in a fixed order", () => {
  expect(
    fields(LIMITED, {
      enabled: true,
      logContent: false,
      expiresAt: null,
      allowedModels: [],
      rpmLimit: null,
      tpmLimit: 1001,
      periodLimit: null,
    }),
  ).toEqual([
    "enabled",
    "logContent",
    "periodLimit",
    "allowedModels",
    "rpmLimit",
    "tpmLimit",
    "expiresAt",
  ]);
  // Another period counts from zero: looser whatever the amount.
  expect(fields(LIMITED, { periodLimit: { micro: 1n, period: "month" } })).toEqual(["limitPeriod"]);
  expect(fields(LIMITED, { allowedModels: ["a", "c"] })).toEqual(["allowedModels"]);
  expect(fields(LIMITED, { expiresAt: new Date("2027-01-31T00:00:01Z") })).toEqual(["expiresAt"]);
});

test("the refusal names the team, the role and every rule", () => {
  const error = new KeyRulesLoosenedError(
    looseningsOf(LIMITED, { periodLimit: { micro: 60_000_000n, period: "day" }, rpmLimit: 11 }),
    { teamName: "Acme", role: "MEMBER" },
  );
  expect(error.field).toBe("periodLimit");
  expect(error.message).toBe(
    "Only owners and admins of Acme may loosen a key's rules (you are a member): raising its daily credit limit from 50.00 credits ($0.50) to 60.00 credits ($0.60); raising its requests-per-minute limit from 10 to 11.",
  );
});
