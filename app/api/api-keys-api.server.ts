import { z } from "zod";
import type { Accounts } from "../accounts/accounts.server.ts";
import { keyScopeOf, listApiKeys, periodLimitRule } from "../accounts/api-keys/api-keys.server.ts";
import { changeKey, createKey, revokeKey } from "../accounts/api-keys/key-changes.server.ts";
import { CreateKeyBodySchema, UpdateKeyBodySchema } from "../accounts/api-keys/key-api-schemas.ts";
import { UnknownModelsError } from "../accounts/allowed-models.server.ts";
import { GuardrailPatternError } from "../accounts/guardrails/guardrail-patterns.server.ts";
import { nextPeriodStart, spentThisPeriod, type LimitPeriod } from "../billing/limit-period.ts";
import { GatewayError, invalidRequest } from "../http/gateway-error.ts";
import { requireApiScope } from "../accounts/require-user.server.ts";
import { jsonApi, money, readBody } from "./api-helpers.server.ts";
import { KeyRulesLoosenedError } from "../accounts/api-keys/key-rule-loosening.ts";
import { creditsToMicro } from "../utils/money.ts";

const notFound = () =>
  new GatewayError(404, "No such API key", { type: "not_found_error", code: "api_key_not_found" });

/**
 * The key module's refusals as JSON errors: a member loosening their key's
 * rules (issue #21) is a 403 naming each rule; an allowlist naming no model a 400.
 */
const refused = (error: unknown): never => {
  if (error instanceof UnknownModelsError || error instanceof GuardrailPatternError)
    throw invalidRequest(`${error.field}: ${error.message}`, error.field);
  if (!(error instanceof KeyRulesLoosenedError)) throw error;
  throw new GatewayError(403, error.message, {
    type: "permission_error",
    code: "key_rule_loosening_not_allowed",
    param: error.field,
  });
};

type KeyRow = Awaited<ReturnType<typeof listApiKeys>>[number];
const present = (key: KeyRow) => {
  const { periodStart: _counted, ...fields } = key;
  const period = key.limitPeriod as LimitPeriod | null;
  return {
    ...fields,
    createdBy: key.createdBy.email,
    spent: money(key.spent),
    creditLimit: key.creditLimit === null ? null : money(key.creditLimit),
    periodLimit: key.periodLimit === null ? null : money(key.periodLimit),
    periodSpent: money(spentThisPeriod(key)),
    periodResetsAt: period === null ? null : nextPeriodStart(period).toISOString(),
  };
};

/** GET /api/api-keys */
export const listKeysApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    const scope = await requireApiScope(accounts, request, "ownKeys");
    const keys = await listApiKeys(accounts.prisma, keyScopeOf(scope));
    return Response.json({ apiKeys: keys.map(present) });
  });

/** POST /api/api-keys: the secret is in this answer only. */
export const createKeyApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    const scope = await requireApiScope(accounts, request, "ownKeys");
    const input = await readBody(request, CreateKeyBodySchema);
    const actor = { prisma: accounts.prisma, request, scope };
    const { apiKey, secret } = await createKey(actor, {
      name: input.name,
      creditLimitCredits: input.creditLimit,
      expiresAt: input.expiresAt,
      allowedModels: input.allowedModels,
      rpmLimit: input.rpmLimit,
      tpmLimit: input.tpmLimit,
      cacheTtlSeconds: input.cacheTtlSeconds,
      guardrails: input.guardrails,
      periodLimit: periodLimitRule(input.periodLimit, input.limitPeriod),
    }).catch(refused);
    return Response.json({ apiKey: present(apiKey), secret }, { status: 201 });
  });

/** PUT /api/api-keys: { id, enabled?, logContent?, creditLimit?, expiresAt?, allowedModels?, rpmLimit?, tpmLimit?, periodLimit?, limitPeriod?, cacheTtlSeconds? } */
export const updateKeyApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    const scope = await requireApiScope(accounts, request, "ownKeys");
    const input = await readBody(request, UpdateKeyBodySchema);
    const { id, periodLimit: periodCredits, limitPeriod, creditLimit: credits, ...change } = input;
    const periodLimit = periodLimitRule(periodCredits, limitPeriod);
    const creditLimit = credits == null ? credits : creditsToMicro(credits);
    const actor = { prisma: accounts.prisma, request, scope };
    const changed = { ...change, creditLimit, periodLimit };
    if (!(await changeKey(actor, id, changed).catch(refused))) throw notFound();
    return Response.json({ ok: true });
  });

/** DELETE /api/api-keys/:id (soft delete) */
export const deleteKeyApi = (accounts: Accounts, request: Request, id: string | undefined) =>
  jsonApi(async () => {
    const scope = await requireApiScope(accounts, request, "ownKeys");
    if (!id || !z.uuid().safeParse(id).success) throw notFound();
    if (!(await revokeKey({ prisma: accounts.prisma, request, scope }, id))) throw notFound();
    return Response.json({ ok: true });
  });
