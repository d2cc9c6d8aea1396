import { parseWithZod } from "@conform-to/zod/v4";
import { data } from "react-router";
import { z } from "zod";
import { can, type AccountScope } from "#app/accounts/account-scope.server.ts";
import { GuardrailPatternError } from "#app/accounts/guardrails/guardrail-patterns.server.ts";
import {
  describeGuardrails,
  formFromPolicy,
  GuardrailsFormSchema,
  policyFromForm,
} from "#app/accounts/guardrails/guardrail-form.ts";
import type { Guardrails } from "#app/accounts/guardrails/guardrail-policy.ts";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { UnknownModelsError } from "#app/accounts/allowed-models.server.ts";
import { findApiKey, keyScopeOf, periodLimitRule } from "#app/accounts/api-keys/api-keys.server.ts";
import { changeKey } from "#app/accounts/api-keys/key-changes.server.ts";
import { KeyRulesSchema, modelList } from "#app/accounts/api-keys/key-rule-fields.ts";
import { KeyRulesLoosenedError } from "#app/accounts/api-keys/key-rule-loosening.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { nextPeriodStart, spentThisPeriod, type LimitPeriod } from "#app/billing/limit-period.ts";
import { usageReads } from "#app/db/read-replica.server.ts";
import { readForm } from "#app/http/read-form.server.ts";
import { keyActivity } from "#app/usage/overview-stats.server.ts";
import { creditsToMicro, formatMoney, MICRO_PER_CREDIT } from "#app/utils/money.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";

// The loader and action of one key's page (dashboard.keys.$id.tsx).

// One key: what it spent per day, how many requests and how many failed, each
// limit with what is left of it and the form that changes them, and when it was
// last used.

const DAYS = 30;

export async function loadKeyPage(request: Request, params: { id?: string }) {
  const scope = await requirePageScope(request, "ownKeys");
  const { prisma } = getAccounts();
  const id = z.uuid().safeParse(params.id);
  // Another account's (or another member's) key is as absent as one that never was.
  const key = id.success ? await findApiKey(prisma, keyScopeOf(scope), id.data) : null;
  if (!key) throw data("No such API key", { status: 404 });
  // Its activity from the replica when there is one (ADR 064); its limits from the primary.
  const reads = usageReads();
  const activity = await keyActivity(reads.prisma, key.id, DAYS);
  const period = key.limitPeriod as LimitPeriod | null;
  const periodSpent = spentThisPeriod(key);
  const limits: { name: string; value: string; left: string | null }[] = [
    {
      name: "Credit limit",
      value: key.creditLimit === null ? "none" : formatMoney(key.creditLimit),
      left:
        key.creditLimit === null
          ? null
          : `${formatMoney(clampAtZero(key.creditLimit - key.spent - key.reserved))} left`,
    },
    {
      name: period === "day" ? "Daily limit" : "Monthly limit",
      value: key.periodLimit === null ? "none" : formatMoney(key.periodLimit),
      left:
        key.periodLimit === null || period === null
          ? null
          : `${formatMoney(clampAtZero(key.periodLimit - periodSpent))} left until ${nextPeriodStart(period).toISOString().slice(0, 10)}`,
    },
    {
      name: "Requests per minute",
      value: key.rpmLimit === null ? "none" : String(key.rpmLimit),
      left: null,
    },
    {
      name: "Tokens per minute",
      value: key.tpmLimit === null ? "none" : String(key.tpmLimit),
      left: null,
    },
    {
      name: "Response cache",
      value: key.cacheTtlSeconds === null ? "off" : `${key.cacheTtlSeconds} s`,
      left: null,
    },
    {
      name: "Models",
      value: key.allowedModels.length === 0 ? "all" : key.allowedModels.join(", "),
      left: null,
    },
    {
      name: "Expires",
      value: key.expiresAt ? key.expiresAt.toISOString().slice(0, 10) : "never",
      left: null,
    },
  ];
  return {
    key: {
      name: key.name,
      prefix: key.prefix,
      enabled: key.enabled,
      createdBy: key.createdBy.email,
      createdAt: key.createdAt.toISOString(),
      lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
      spent: formatMoney(key.spent),
      reserved: formatMoney(key.reserved),
      id: key.id,
    },
    limits,
    // The limits form's fields as stored (whole credits: the forms take no fractions).
    ruleValues: {
      creditLimit: key.creditLimit === null ? "" : String(key.creditLimit / MICRO_PER_CREDIT),
      expiresOn: key.expiresAt?.toISOString().slice(0, 10) ?? "",
      allowedModels: key.allowedModels.join(", "),
      rpmLimit: key.rpmLimit === null ? "" : String(key.rpmLimit),
      tpmLimit: key.tpmLimit === null ? "" : String(key.tpmLimit),
      cacheTtlSeconds: key.cacheTtlSeconds === null ? "" : String(key.cacheTtlSeconds),
      periodLimit: key.periodLimit === null ? "" : String(key.periodLimit / MICRO_PER_CREDIT),
      limitPeriod: key.limitPeriod ?? "month",
    },
    // The guardrails form's fields as stored (ADR 067).
    guardrailValues: formFromPolicy(key.guardrails as Guardrails | null),
    guardrails: describeGuardrails(key.guardrails as Guardrails | null),
    // A team member makes their keys stricter only (issue #21): the form says so.
    mayLoosen: can(scope, "allKeys"),
    days: DAYS,
    usageAsOf: reads.asOf?.toISOString() ?? null,
    requests: activity.requests,
    errors: activity.errors,
    errorRate: activity.requests === 0 ? null : (activity.errors / activity.requests) * 100,
    avgLatencyMs: activity.avgLatencyMs,
    spentInPeriod: formatMoney(activity.cost),
    chart: activity.data,
  };
}

const clampAtZero = (micro: bigint) => (micro < 0n ? 0n : micro);

/**
 * Saves every limit of the key at once (an empty field clears its rule). A bad
 * value, an unknown model or a loosening a member may not make comes back to
 * the form, next to its field, with what was typed.
 */
export async function keyPageAction(request: Request, params: { id?: string }) {
  const scope = await requirePageScope(request, "ownKeys");
  const id = z.uuid().safeParse(params.id);
  if (!id.success) throw data("No such API key", { status: 404 });
  const form = await readForm(request);
  if (form.get("intent") === "guardrails") return saveGuardrails(request, scope, id.data, form);
  const submission = parseWithZod(form, { schema: KeyRulesSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const input = submission.value;
  const rules = {
    creditLimit: input.creditLimit === undefined ? null : creditsToMicro(input.creditLimit),
    expiresAt: input.expiresOn ? new Date(`${input.expiresOn}T00:00:00Z`) : null,
    allowedModels: modelList(input.allowedModels),
    rpmLimit: input.rpmLimit ?? null,
    tpmLimit: input.tpmLimit ?? null,
    cacheTtlSeconds: input.cacheTtlSeconds ?? null,
    periodLimit: periodLimitRule(input.periodLimit ?? null, input.limitPeriod),
  };
  let saved: boolean;
  try {
    saved = await changeKey({ prisma: getAccounts().prisma, request, scope }, id.data, rules);
  } catch (error) {
    if (error instanceof UnknownModelsError) {
      const fieldErrors = { [error.field]: [error.message] };
      return data({ result: submission.reply({ fieldErrors }) }, { status: 400 });
    }
    if (!(error instanceof KeyRulesLoosenedError)) throw error;
    return data({ result: submission.reply({ formErrors: [error.message] }) }, { status: 403 });
  }
  if (!saved) throw data("No such API key", { status: 404 });
  return redirectWithToast(
    `/dashboard/keys/${id.data}`,
    "Limits saved: they apply from the next request.",
  );
}

/**
 * Saves the key's guardrails (ADR 067): the form's fields as one policy. A bad
 * value, a pattern that cannot run in linear time, or a member changing them
 * comes back to the form with what was typed.
 */
async function saveGuardrails(request: Request, scope: AccountScope, id: string, form: FormData) {
  const submission = parseWithZod(form, { schema: GuardrailsFormSchema });
  const refuse = (errors: { fieldErrors?: Record<string, string[]>; formErrors?: string[] }) =>
    data({ guardrailsResult: submission.reply(errors) }, { status: 400 });
  if (submission.status !== "success")
    return data({ guardrailsResult: submission.reply() }, { status: 400 });
  const described = policyFromForm(submission.value);
  if ("fieldErrors" in described) return refuse({ fieldErrors: described.fieldErrors });
  let saved: boolean;
  try {
    const actor = { prisma: getAccounts().prisma, request, scope };
    saved = await changeKey(actor, id, { guardrails: described.policy });
  } catch (error) {
    if (error instanceof GuardrailPatternError)
      return refuse({ fieldErrors: { customRules: [error.message] } });
    if (!(error instanceof KeyRulesLoosenedError)) throw error;
    return data(
      { guardrailsResult: submission.reply({ formErrors: [error.message] }) },
      { status: 403 },
    );
  }
  if (!saved) throw data("No such API key", { status: 404 });
  return redirectWithToast(
    `/dashboard/keys/${id}`,
    "Guardrails saved: they apply from the next request.",
  );
}
