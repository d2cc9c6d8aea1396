import { parseWithZod } from "@conform-to/zod/v4";
import { data } from "react-router";
import type { z } from "zod";
import { can, roleCan } from "#app/accounts/account-scope.server.ts";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { UnknownModelsError } from "#app/accounts/allowed-models.server.ts";
import {
  keyScopeOf,
  listApiKeys,
  periodLimitRule,
} from "#app/accounts/api-keys/api-keys.server.ts";
import { changeKey, createKey, revokeKey } from "#app/accounts/api-keys/key-changes.server.ts";
import { KeyActionSchema, modelList } from "#app/accounts/api-keys/key-rule-fields.ts";
import {
  KeyRulesLoosenedError,
  type StoredKeyRules,
} from "#app/accounts/api-keys/key-rule-loosening.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { periodAdjective, spentThisPeriod, type LimitPeriod } from "#app/billing/limit-period.ts";
import { readForm } from "#app/http/read-form.server.ts";
import { publicOrigin } from "#app/http/request-origin.server.ts";
import { formatMoney } from "#app/utils/money.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";

// The API keys page's loader and action (the page is dashboard.keys.tsx): the
// keys in the account in use, and what its forms do to them through the key
// module (accounts/api-keys), as the JSON API does.

export async function loadKeysPage({ request }: { request: Request }) {
  const scope = await requirePageScope(request, "ownKeys");
  const { prisma } = getAccounts();
  const keys = await listApiKeys(prisma, keyScopeOf(scope));
  // A team's key spends only while its maker may (ADR 033): say so where it stops.
  const roles = scope.team
    ? new Map(
        (
          await prisma.teamMember.findMany({
            where: { teamId: scope.accountId },
            select: { userId: true, role: true },
          })
        ).map((member) => [member.userId, member.role]),
      )
    : null;
  const refusedBecause = (creatorId: string) => {
    const role = roles?.get(creatorId);
    if (!roles || (role && roleCan(role, "spend"))) return null;
    return role
      ? `refused: its maker is a ${role.toLowerCase()}`
      : "refused: its maker left the team";
  };
  return {
    // Where the new key's card says to point SDKs.
    baseUrl: `${publicOrigin(request)}/v1`,
    // In a team, whose each key is (admins see everyone's).
    showCreator: scope.team !== null,
    // A team member makes their keys stricter only (issue #21): the page offers no loosening.
    mayLoosen: can(scope, "allKeys"),
    keys: keys.map((key) => ({
      id: key.id,
      name: key.name,
      createdBy: key.createdBy.email,
      refused: refusedBecause(key.createdBy.id),
      prefix: key.prefix,
      enabled: key.enabled,
      logContent: key.logContent,
      spent: formatMoney(key.spent),
      creditLimit: key.creditLimit === null ? null : formatMoney(key.creditLimit),
      periodLimit:
        key.periodLimit === null
          ? null
          : `${formatMoney(spentThisPeriod(key))} of ${formatMoney(key.periodLimit)} ${
              key.limitPeriod === "day" ? "today" : "this month"
            }`,
      rules: describeRules(key),
      lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
      createdAt: key.createdAt.toISOString(),
    })),
  };
}

export async function keysPageAction({ request }: { request: Request }) {
  const scope = await requirePageScope(request, "ownKeys");
  const actor = { prisma: getAccounts().prisma, request, scope };
  const submission = parseWithZod(await readForm(request), { schema: KeyActionSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply(), secret: null }, { status: 400 });
  }
  const input = submission.value;
  if (input.intent === "create") {
    try {
      const { secret } = await createKey(actor, {
        name: input.name,
        creditLimitCredits: input.creditLimit,
        expiresAt: input.expiresOn ? new Date(`${input.expiresOn}T00:00:00Z`) : null,
        allowedModels: modelList(input.allowedModels),
        rpmLimit: input.rpmLimit,
        tpmLimit: input.tpmLimit,
        cacheTtlSeconds: input.cacheTtlSeconds,
        periodLimit: periodLimitRule(input.periodLimit, input.limitPeriod),
      });
      return { result: submission.reply({ resetForm: true }), secret, name: input.name };
    } catch (error) {
      if (!(error instanceof UnknownModelsError)) throw error;
      const fieldErrors = { [error.field]: [error.message] };
      return data({ result: submission.reply({ fieldErrors }), secret: null }, { status: 400 });
    }
  }
  const { change, message } = describeChange(input);
  const done = change
    ? await changeKey(actor, input.id, change).catch(refused("Not changed"))
    : await revokeKey(actor, input.id);
  if (!done) throw data("No such API key", { status: 404 });
  return redirectWithToast("/dashboard/keys", message);
}

/** A member loosening their key's rules (issue #21): a 403 page naming each rule. */
const refused =
  (what: string) =>
  (error: unknown): never => {
    if (error instanceof KeyRulesLoosenedError)
      throw data(`${what}: ${error.message}`, { status: 403 });
    throw error;
  };

/** A key's rules in a few words, for its row: "expires 2027-01-31 · gpt-4o · 60 req/min". */
function describeRules(
  key: Omit<StoredKeyRules, "enabled" | "logContent" | "creditLimit"> & {
    cacheTtlSeconds: number | null;
  },
) {
  const rules = [
    key.expiresAt ? `expires ${key.expiresAt.toISOString().slice(0, 10)}` : null,
    key.allowedModels.length > 0 ? key.allowedModels.join(", ") : null,
    key.rpmLimit === null ? null : `${key.rpmLimit} req/min`,
    key.tpmLimit === null ? null : `${key.tpmLimit} tokens/min`,
    key.cacheTtlSeconds === null ? null : `cached ${key.cacheTtlSeconds} s`,
    key.periodLimit === null
      ? null
      : `${formatMoney(key.periodLimit)} ${periodAdjective(key.limitPeriod as LimitPeriod)}`,
  ].filter((rule) => rule !== null);
  return rules.length > 0 ? rules.join(" · ") : null;
}

type KeyButton = Exclude<z.infer<typeof KeyActionSchema>, { intent: "create" }>;

/** What a change to a key writes (null: delete it) and its toast (key-changes audits it). */
function describeChange(input: KeyButton) {
  if (input.intent === "delete") return { change: null, message: "Key deleted." } as const;
  if (input.intent === "toggle")
    return input.enabled === "true"
      ? ({ change: { enabled: true }, message: "Key enabled." } as const)
      : ({
          change: { enabled: false },
          message: "Key disabled: the gateway refuses it from now on.",
        } as const);
  return input.logContent === "true"
    ? ({
        change: { logContent: true },
        message: "The prompts and answers of this key are stored from now on.",
      } as const)
    : ({
        change: { logContent: false },
        message: "The prompts and answers of this key are no longer stored.",
      } as const);
}
