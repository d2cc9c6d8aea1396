import { usdToMicro } from "../utils/money.ts";
import { z } from "zod";
import { PROVIDER_KINDS } from "../providers/provider-kinds.ts";
import { PROVIDER_SLUG, USD_PRICE } from "./provider-fields.ts";

// The admin JSON API's bodies for providers, keys and imports, with its own
// messages ("slug: must be ..."); the admin page's forms say the same rules in
// their words (provider-fields.ts).

export const slugSchema = z
  .string({ error: "is required" })
  .regex(PROVIDER_SLUG, "must be 1-63 of a-z, 0-9, . _ -");
/** An upstream provider key as entered (the gateway's, or a user's own). */
export const upstreamKeySchema = z
  .string({ error: "must be a string" })
  .trim()
  .min(8, "must be at least 8 characters")
  .max(4096, "is too long");
const baseUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .max(2048)
  .nullable();
/** A provider's own timeout; null: the environment's (UPSTREAM_*_TIMEOUT_SECONDS). */
const timeoutSeconds = z
  .number({ error: "must be a whole number of seconds" })
  .int("must be a whole number of seconds")
  .min(1, "must be at least 1")
  .max(3600, "must be at most 3600")
  .nullable()
  .optional();
/** How long the provider may keep the gateway waiting (docs/decisions/035-upstream-timeouts-per-provider.md). */
const timeoutFields = {
  firstByteTimeoutSeconds: timeoutSeconds,
  chunkTimeoutSeconds: timeoutSeconds,
  answerTimeoutSeconds: timeoutSeconds,
};

export const CreateProviderSchema = z.object({
  slug: slugSchema,
  name: z.string().trim().min(1).max(100).optional(),
  kind: z.enum(PROVIDER_KINDS, { error: `must be one of ${PROVIDER_KINDS.join(", ")}` }),
  baseUrl: baseUrl.optional(),
  streamUsage: z.boolean({ error: "must be true or false" }).optional(),
  ...timeoutFields,
  apiKey: upstreamKeySchema.optional(),
});

export const UpdateProviderSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    baseUrl: baseUrl.optional(),
    enabled: z.boolean({ error: "must be true or false" }).optional(),
    streamUsage: z.boolean({ error: "must be true or false" }).optional(),
    ...timeoutFields,
    ...markupFields(),
  })
  .refine((input) => Object.keys(input).length > 0, { error: "send at least one field" });

export const AddKeySchema = z.object({ apiKey: upstreamKeySchema });

/** US dollars per 1M tokens, as a string ("0.59"). */
export const usdSchema = z
  .string({ error: 'must be a US-dollar amount as a string, e.g. "2.50"' })
  .regex(USD_PRICE, 'must be a US-dollar amount as a string, e.g. "2.50"');

export const ImportModelsSchema = z.object({
  prices: z.object({ input: usdSchema, output: usdSchema, cachedInput: usdSchema.optional() }),
});

/**
 * The markup on a provider's or a model's prices (ADR 069): a percentage (two
 * decimals at most) and/or US dollars per 1M tokens; null removes it.
 */
export function markupFields() {
  return {
    markupPercent: z
      .number({ error: "must be a percent" })
      .min(0, "must not be negative")
      .max(1_000, "must be at most 1000")
      .refine((percent) => Number.isInteger(percent * 100), "must have at most two decimals")
      .nullable()
      .optional(),
    markupPerMillion: z
      .string({ error: 'must be US dollars per 1M tokens as a string, e.g. "0.10"' })
      .regex(USD_PRICE, 'must be US dollars per 1M tokens as a string, e.g. "0.10"')
      .transform((usd) => usdToMicro(usd))
      .nullable()
      .optional(),
  };
}
