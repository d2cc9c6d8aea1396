import { periodAdjective, type LimitPeriod } from "../../billing/limit-period.ts";
import { formatMoney } from "../../utils/money.ts";
import type { KeyRules } from "./api-keys.server.ts";

// On a team account a member may make their own key's rules stricter, never
// looser; only owners and admins loosen them (issue #21, ADR 033). A rule is
// looser when the key could then do something it could not before: spend more,
// use another model, live longer, run again, or stop being logged.

/** A key's rules as stored, which a change is compared with. */
export interface StoredKeyRules {
  enabled: boolean;
  logContent: boolean;
  creditLimit: bigint | null;
  expiresAt: Date | null;
  allowedModels: string[];
  rpmLimit: number | null;
  tpmLimit: number | null;
  periodLimit: bigint | null;
  limitPeriod: string | null;
  /** As stored (JSON); a member may not change them at all. */
  guardrails?: unknown;
}

/** A change to a key, as updateApiKey takes it. */
export type KeyChange = { enabled?: boolean; logContent?: boolean } & KeyRules;

/** One rule a change would loosen: the field (as the JSON API names it) and what, in words. */
export interface Loosening {
  field: string;
  what: string;
}

/** Every rule `change` would loosen on a key whose rules are `current`; empty when none. */
export function looseningsOf(current: StoredKeyRules, change: KeyChange): Loosening[] {
  const found: (Loosening | undefined)[] = [
    change.enabled === true && !current.enabled
      ? { field: "enabled", what: "enabling it" }
      : undefined,
    change.logContent === false && current.logContent
      ? { field: "logContent", what: "turning its content logging off" }
      : undefined,
    creditLimitLoosening(current.creditLimit, change.creditLimit),
    periodLimitLoosening(current, change.periodLimit),
    modelsLoosening(current.allowedModels, change.allowedModels),
    countLoosening("rpmLimit", "requests-per-minute", current.rpmLimit, change.rpmLimit),
    countLoosening("tpmLimit", "tokens-per-minute", current.tpmLimit, change.tpmLimit),
    expiryLoosening(current.expiresAt, change.expiresAt),
    // Guardrails are the team's policy for the key: only owners and admins change them.
    change.guardrails !== undefined &&
    JSON.stringify(change.guardrails) !== JSON.stringify(current.guardrails ?? null)
      ? { field: "guardrails", what: "changing its guardrails" }
      : undefined,
  ];
  return found.filter((loosening) => loosening !== undefined);
}

/** Thrown for a change a member may not make: a 403 whose message names each rule. */
export class KeyRulesLoosenedError extends Error {
  /** The first rule it would loosen, for the JSON API's `param`. */
  readonly field: string;

  constructor(loosenings: Loosening[], who: { teamName: string; role: string }) {
    super(
      `Only owners and admins of ${who.teamName} may loosen a key's rules (you are ${article(who.role)} ${who.role.toLowerCase()}): ${loosenings
        .map((loosening) => loosening.what)
        .join("; ")}.`,
    );
    this.field = loosenings[0]?.field ?? "id";
  }
}

const article = (role: string) => (/^[aeiou]/i.test(role) ? "an" : "a");

/**
 * Removing or raising a period limit loosens it, and so does changing its
 * period: the count starts again from zero in the new one (limit-period.ts).
 */
function periodLimitLoosening(
  current: StoredKeyRules,
  next: KeyRules["periodLimit"],
): Loosening | undefined {
  if (next === undefined || current.periodLimit === null) return undefined;
  const period = periodAdjective(current.limitPeriod as LimitPeriod);
  if (next === null)
    return {
      field: "periodLimit",
      what: `removing its ${period} credit limit (${formatMoney(current.periodLimit)})`,
    };
  if (next.period !== current.limitPeriod)
    return {
      field: "limitPeriod",
      what: `changing its credit limit from ${period} to ${periodAdjective(next.period)} (a new period counts from zero)`,
    };
  if (next.micro > current.periodLimit)
    return {
      field: "periodLimit",
      what: `raising its ${period} credit limit from ${formatMoney(current.periodLimit)} to ${formatMoney(next.micro)}`,
    };
  return undefined;
}

function creditLimitLoosening(current: bigint | null, next: bigint | null | undefined) {
  if (next === undefined || current === null) return undefined;
  if (next === null)
    return {
      field: "creditLimit",
      what: `removing its credit limit (${formatMoney(current)})`,
    };
  if (next > current)
    return {
      field: "creditLimit",
      what: `raising its credit limit from ${formatMoney(current)} to ${formatMoney(next)}`,
    };
  return undefined;
}

/** An empty list allows every model, so emptying a list, or adding to it, loosens it. */
function modelsLoosening(current: string[], next: string[] | undefined): Loosening | undefined {
  if (next === undefined || current.length === 0) return undefined;
  if (next.length === 0)
    return {
      field: "allowedModels",
      what: `allowing every model (it may use only ${current.join(", ")})`,
    };
  const added = next.filter((slug) => !current.includes(slug));
  if (added.length > 0)
    return {
      field: "allowedModels",
      what: `adding ${added.join(", ")} to the models it may use`,
    };
  return undefined;
}

function countLoosening(
  field: string,
  name: string,
  current: number | null,
  next: number | null | undefined,
): Loosening | undefined {
  if (next === undefined || current === null) return undefined;
  if (next === null) return { field, what: `removing its ${name} limit (${current})` };
  if (next > current)
    return { field, what: `raising its ${name} limit from ${current} to ${next}` };
  return undefined;
}

function expiryLoosening(current: Date | null, next: Date | null | undefined) {
  if (next === undefined || current === null) return undefined;
  if (next === null)
    return { field: "expiresAt", what: `removing its expiry (${current.toISOString()})` };
  if (next.getTime() > current.getTime())
    return {
      field: "expiresAt",
      what: `moving its expiry later, from ${current.toISOString()} to ${next.toISOString()}`,
    };
  return undefined;
}
