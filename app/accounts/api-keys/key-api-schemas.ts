import { z } from "zod";
import { LIMIT_PERIODS, type LimitPeriod } from "../../billing/limit-period.ts";
import { MAX_CACHE_TTL_SECONDS } from "./cache-ttl.ts";
import { GuardrailsSchema } from "../guardrails/guardrail-policy.ts";

// The JSON API's key bodies (POST and PUT /api/api-keys): the same rules as the
// dashboard's forms (key-rule-fields.ts) in JSON's shape, credits as numbers and
// null to clear a rule. Which models exist is checked on write (key-changes).

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
  // The response cache (ADR 066): seconds an answer is kept for identical requests; null turns it off.
  cacheTtlSeconds: z
    .number({ error: "must be a number of seconds" })
    .int("must be a whole number of seconds")
    .min(1, "must be at least 1")
    .max(MAX_CACHE_TTL_SECONDS, `must be at most ${MAX_CACHE_TTL_SECONDS} (a day)`)
    .nullable()
    .optional(),
  // What the key's requests may do besides spend (ADR 067); null removes them.
  guardrails: GuardrailsSchema.nullable().optional(),
});

/** limitPeriod says when periodLimit starts again: alone it means nothing. */
const periodNeedsLimit = (input: { periodLimit?: number | null; limitPeriod?: LimitPeriod }) =>
  input.limitPeriod === undefined || typeof input.periodLimit === "number";
const PERIOD_ERROR = {
  error: "comes with periodLimit (send both; periodLimit null clears the limit)",
  path: ["limitPeriod"],
};

export const CreateKeyBodySchema = KeyRulesSchema.extend({
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

export const UpdateKeyBodySchema = KeyRulesSchema.extend({
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
    error:
      "send enabled, logContent, expiresAt, allowedModels, rpmLimit, tpmLimit, periodLimit, cacheTtlSeconds or guardrails",
  })
  .refine(periodNeedsLimit, PERIOD_ERROR);
