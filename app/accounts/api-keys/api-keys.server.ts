import type { Prisma } from "../../db/prisma.server.ts";
import { generateApiKey } from "./api-key-secret.server.ts";
import type { LimitPeriod } from "../../billing/limit-period.ts";
import { creditsToMicro } from "../../utils/money.ts";
import { jsonColumn } from "../../db/json-column.ts";
import type { Guardrails } from "../guardrails/guardrail-policy.ts";
import { can, type AccountScope } from "../account-scope.server.ts";
import { KeyRulesLoosenedError, looseningsOf, type KeyChange } from "./key-rule-loosening.ts";

// Every function takes a KeyScope and touches only the keys in it: a key of
// someone else is reported as not found.

/** The keys a call may touch: an account's, or only those one person made in it (a team member's). */
export interface KeyScope {
  accountId: string;
  onlyCreatedBy?: string;
  /** A team member's: their keys' rules may become stricter, never looser (issue #21). */
  tightenOnly?: { teamName: string; role: string };
}

/** Admins and owners manage every key of the account and its rules; members only their own, and only stricter. */
export const keyScopeOf = (scope: AccountScope): KeyScope =>
  can(scope, "allKeys")
    ? { accountId: scope.accountId }
    : {
        accountId: scope.accountId,
        onlyCreatedBy: scope.userId,
        tightenOnly: { teamName: scope.team?.name ?? "this account", role: scope.role },
      };

// The playground's own keys (ADR 070) are the dashboard's, not the person's: never listed or changed here.
const inScope = (scope: KeyScope) => ({
  userId: scope.accountId,
  playgroundSecret: null,
  ...(scope.onlyCreatedBy ? { createdById: scope.onlyCreatedBy } : {}),
});

const PUBLIC_FIELDS = {
  id: true,
  name: true,
  prefix: true,
  enabled: true,
  logContent: true,
  spent: true,
  creditLimit: true,
  periodLimit: true,
  limitPeriod: true,
  periodStart: true,
  periodSpent: true,
  expiresAt: true,
  allowedModels: true,
  rpmLimit: true,
  tpmLimit: true,
  cacheTtlSeconds: true,
  guardrails: true,
  lastUsedAt: true,
  createdAt: true,
  createdBy: { select: { id: true, email: true } },
} as const;

/** What a key may do besides spending: until when, which models, how fast (null: no rule). */
export interface KeyRules {
  /** What the key may ever spend (µcr); null for no limit. */
  creditLimit?: bigint | null;
  expiresAt?: Date | null;
  /** Catalog slugs; empty for every model. */
  allowedModels?: string[];
  rpmLimit?: number | null;
  tpmLimit?: number | null;
  /** Seconds answers are kept in the response cache; null: the key does not cache. */
  cacheTtlSeconds?: number | null;
  /** Providers, max tokens, max price and content rules (ADR 067); null: none. */
  guardrails?: Guardrails | null;
  /** A credit limit that starts again each UTC day or month (µcr), with its period; null for none. */
  periodLimit?: { micro: bigint; period: LimitPeriod } | null;
}

/** The columns a KeyRules change writes (the period limit is two columns, set or cleared together). */
function ruleColumns({ periodLimit, guardrails, ...other }: KeyRules) {
  const rules = guardrails === undefined ? other : { ...other, guardrails: jsonColumn(guardrails) };
  if (periodLimit === undefined) return rules;
  return {
    ...rules,
    periodLimit: periodLimit?.micro ?? null,
    limitPeriod: periodLimit?.period ?? null,
  };
}

/** A period limit in credits as KeyRules takes it: none without an amount. */
export function periodLimitRule(
  credits: number | null | undefined,
  period: LimitPeriod | undefined,
): KeyRules["periodLimit"] {
  if (credits === undefined) return undefined;
  return credits === null ? null : { micro: creditsToMicro(credits), period: period ?? "month" };
}

/** Creates a key; the secret is returned this once and never stored. */
export async function createApiKey(
  prisma: Prisma,
  owner: { accountId: string; createdById: string },
  input: { name: string; creditLimitCredits?: number } & KeyRules,
) {
  const key = generateApiKey();
  const apiKey = await prisma.apiKey.create({
    data: {
      userId: owner.accountId,
      createdById: owner.createdById,
      name: input.name.trim(),
      prefix: key.prefix,
      secretHash: key.hash,
      creditLimit:
        input.creditLimitCredits === undefined ? null : creditsToMicro(input.creditLimitCredits),
      ...ruleColumns({
        expiresAt: input.expiresAt ?? null,
        allowedModels: input.allowedModels ?? [],
        rpmLimit: input.rpmLimit ?? null,
        tpmLimit: input.tpmLimit ?? null,
        cacheTtlSeconds: input.cacheTtlSeconds ?? null,
        guardrails: input.guardrails ?? null,
        periodLimit: input.periodLimit ?? null,
      }),
    },
    select: PUBLIC_FIELDS,
  });
  return { apiKey, secret: key.secret };
}

export function listApiKeys(prisma: Prisma, scope: KeyScope) {
  return prisma.apiKey.findMany({
    where: { ...inScope(scope), deletedAt: null },
    orderBy: { createdAt: "desc" },
    select: PUBLIC_FIELDS,
  });
}

/** A key in scope that was not deleted, with its spend, limits and rules; null otherwise. */
export function findApiKey(prisma: Prisma, scope: KeyScope, id: string) {
  return prisma.apiKey.findFirst({
    where: { id, ...inScope(scope), deletedAt: null },
    select: { ...PUBLIC_FIELDS, reserved: true },
  });
}

/**
 * Changes a key in scope; false when there is no such key (or it was deleted).
 * In a tighten-only scope a change that loosens any rule throws
 * KeyRulesLoosenedError and writes nothing; the key's row is locked from the
 * comparison to the write, so a limit an owner sets meanwhile is compared too.
 */
export async function updateApiKey(prisma: Prisma, scope: KeyScope, id: string, change: KeyChange) {
  const where = { id, ...inScope(scope), deletedAt: null };
  const { tightenOnly } = scope;
  if (!tightenOnly) {
    const { count } = await prisma.apiKey.updateMany({ where, data: ruleColumns(change) });
    return count === 1;
  }
  return prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM api_keys WHERE id = ${id}::uuid FOR UPDATE`;
    const current = await tx.apiKey.findFirst({ where, select: RULE_FIELDS });
    if (!current) return false;
    const loosenings = looseningsOf(current, change);
    if (loosenings.length > 0) throw new KeyRulesLoosenedError(loosenings, tightenOnly);
    await tx.apiKey.update({ where: { id }, data: ruleColumns(change) });
    return true;
  });
}

const RULE_FIELDS = {
  enabled: true,
  logContent: true,
  creditLimit: true,
  expiresAt: true,
  allowedModels: true,
  rpmLimit: true,
  tpmLimit: true,
  cacheTtlSeconds: true,
  guardrails: true,
  periodLimit: true,
  limitPeriod: true,
} as const;

/** Soft-deletes a key in scope (its usage history stays); false when there is no such key. */
export async function deleteApiKey(prisma: Prisma, scope: KeyScope, id: string) {
  const { count } = await prisma.apiKey.updateMany({
    where: { id, ...inScope(scope), deletedAt: null },
    data: { deletedAt: new Date(), enabled: false },
  });
  return count === 1;
}
