import { z } from "zod";
import type { Accounts } from "../accounts/accounts.server.ts";
import {
  createApiKey,
  deleteApiKey,
  keyScopeOf,
  listApiKeys,
  periodLimitRule,
  updateApiKey,
} from "../accounts/api-keys.server.ts";
import {
  LIMIT_PERIODS,
  nextPeriodStart,
  spentThisPeriod,
  type LimitPeriod,
} from "../billing/limit-period.ts";
import { GatewayError } from "../http/gateway-error.ts";
import { jsonApi, money, readBody, requireApiScope } from "./api-helpers.server.ts";
import { audit } from "../accounts/audit-log.server.ts";
import { KeyRulesLoosenedError } from "../accounts/key-rule-loosening.ts";
import { allowlistSlugs } from "../catalog/model-names.server.ts";
import { creditsToMicro } from "../utils/money.ts";

/** A key's rules, as the JSON API takes them; null clears a rule. */
const KeyRulesSchema = z.object({
  expiresAt: z.iso
    .datetime({ offset: true, error: "must be an ISO 8601 date-time, e.g. 2027-01-31T00:00:00Z" })
    .transform((value) => new Date(value))
    .refine((date) => date.getTime() > Date.now(), "must be in the future")
    .nullable()
    .optional(),
  allowedModels: z
    .array(
      z
        .string()
        .regex(/^[a-z0-9][a-z0-9._:/-]{0,199}$/i, "must be model names (slugs or OpenRouter ids)"),
      { error: "must be an array of model slugs (empty for every model)" },
    )
    .max(200)
    .optional(),
  rpmLimit: z
    .number({ error: "must be a number of requests per minute" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(1_000_000)
    .nullable()
    .optional(),
  tpmLimit: z
    .number({ error: "must be a number of tokens per minute" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(1_000_000_000)
    .nullable()
    .optional(),
  periodLimit: z
    .number({ error: "must be a number of credits per day or month" })
    .int("must be a whole number of credits")
    .min(1, "must be at least 1")
    .max(1_000_000_000)
    .nullable()
    .optional(),
  limitPeriod: z.enum(LIMIT_PERIODS, { error: 'must be "day" or "month"' }).optional(),
});

/** limitPeriod says when periodLimit starts again: alone it means nothing. */
const periodNeedsLimit = (input: { periodLimit?: number | null; limitPeriod?: LimitPeriod }) =>
  input.limitPeriod === undefined || typeof input.periodLimit === "number";
const PERIOD_ERROR = {
  error: "comes with periodLimit (send both; periodLimit null clears the limit)",
  path: ["limitPeriod"],
};

const CreateKeySchema = KeyRulesSchema.extend({
  name: z
    .string({ error: "is required" })
    .trim()
    .min(1, "must not be empty")
    .max(100, "must be at most 100 characters"),
  creditLimit: z
    .number({ error: "must be a number of credits" })
    .int("must be a whole number of credits")
    .min(1, "must be at least 1")
    .max(1_000_000_000)
    .optional(),
}).refine(periodNeedsLimit, PERIOD_ERROR);

const UpdateKeySchema = KeyRulesSchema.extend({
  id: z.uuid({ error: "must be a key id" }),
  // What the key may ever spend; null removes the limit.
  creditLimit: z
    .number({ error: "must be a number of credits" })
    .int("must be a whole number of credits")
    .min(1, "must be at least 1")
    .max(1_000_000_000)
    .nullable()
    .optional(),
  enabled: z.boolean({ error: "must be true or false" }).optional(),
  logContent: z.boolean({ error: "must be true or false" }).optional(),
})
  .refine((input) => Object.keys(input).length > 1, {
    error: "send enabled, logContent, expiresAt, allowedModels, rpmLimit, tpmLimit or periodLimit",
  })
  .refine(periodNeedsLimit, PERIOD_ERROR);

const notFound = () =>
  new GatewayError(404, "No such API key", { type: "not_found_error", code: "api_key_not_found" });

/** A member loosening their key's rules (issue #21): 403 naming each rule. */
const refused = (error: unknown): never => {
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
    const { userId } = scope;
    const input = await readBody(request, CreateKeySchema);
    if (input.allowedModels)
      input.allowedModels = await allowlistSlugs(accounts.prisma, input.allowedModels);
    const owner = { accountId: scope.accountId, createdById: userId };
    const { apiKey, secret } = await createApiKey(accounts.prisma, owner, {
      name: input.name,
      creditLimitCredits: input.creditLimit,
      expiresAt: input.expiresAt,
      allowedModels: input.allowedModels,
      rpmLimit: input.rpmLimit,
      tpmLimit: input.tpmLimit,
      periodLimit: periodLimitRule(input.periodLimit, input.limitPeriod),
    });
    await audit(accounts.prisma, request, {
      action: "key_created",
      actorId: userId,
      subject: apiKey.id,
    });
    return Response.json({ apiKey: present(apiKey), secret }, { status: 201 });
  });

/** PUT /api/api-keys: { id, enabled?, logContent?, creditLimit?, expiresAt?, allowedModels?, rpmLimit?, tpmLimit?, periodLimit?, limitPeriod? } */
export const updateKeyApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    const scope = await requireApiScope(accounts, request, "ownKeys");
    const { userId } = scope;
    const input = await readBody(request, UpdateKeySchema);
    if (input.allowedModels)
      input.allowedModels = await allowlistSlugs(accounts.prisma, input.allowedModels);
    const { id, periodLimit: periodCredits, limitPeriod, creditLimit: credits, ...change } = input;
    const periodLimit = periodLimitRule(periodCredits, limitPeriod);
    const creditLimit = credits == null ? credits : creditsToMicro(credits);
    const keys = keyScopeOf(scope);
    const rulesChange = { ...change, creditLimit, periodLimit };
    if (!(await updateApiKey(accounts.prisma, keys, id, rulesChange).catch(refused)))
      throw notFound();
    if (change.enabled !== undefined) {
      const action = change.enabled ? "key_enabled" : "key_disabled";
      await audit(accounts.prisma, request, { action, actorId: userId, subject: id });
    }
    if (change.logContent !== undefined) {
      const action = change.logContent ? "content_logging_on" : "content_logging_off";
      await audit(accounts.prisma, request, { action, actorId: userId, subject: id });
    }
    const { expiresAt, allowedModels, rpmLimit, tpmLimit } = change;
    const rules = { creditLimit, expiresAt, allowedModels, rpmLimit, tpmLimit, periodLimit };
    if (Object.values(rules).some((value) => value !== undefined)) {
      await audit(accounts.prisma, request, {
        action: "key_rules_changed",
        actorId: userId,
        subject: id,
        details: {
          ...(creditLimit === undefined ? {} : { creditLimit: creditLimit?.toString() ?? null }),
          ...(expiresAt === undefined ? {} : { expiresAt: expiresAt?.toISOString() ?? null }),
          ...(allowedModels === undefined ? {} : { allowedModels: allowedModels.join(",") }),
          ...(rpmLimit === undefined ? {} : { rpmLimit }),
          ...(tpmLimit === undefined ? {} : { tpmLimit }),
          ...(periodLimit === undefined
            ? {}
            : {
                periodLimit: periodLimit?.micro.toString() ?? null,
                limitPeriod: periodLimit?.period ?? null,
              }),
        },
      });
    }
    return Response.json({ ok: true });
  });

/** DELETE /api/api-keys/:id (soft delete) */
export const deleteKeyApi = (accounts: Accounts, request: Request, id: string | undefined) =>
  jsonApi(async () => {
    const scope = await requireApiScope(accounts, request, "ownKeys");
    const { userId } = scope;
    if (!id || !z.uuid().safeParse(id).success) throw notFound();
    if (!(await deleteApiKey(accounts.prisma, keyScopeOf(scope), id))) throw notFound();
    await audit(accounts.prisma, request, { action: "key_deleted", actorId: userId, subject: id });
    return Response.json({ ok: true });
  });
