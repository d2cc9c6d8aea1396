import { z } from "zod";
import { PROVIDER_KINDS, providerKind } from "../providers/provider-kinds.ts";

// The Providers page's forms (add a provider, add a key, edit, import models):
// one schema each for conform in the browser and the action on the server
// (ADR 046, ADR 050). The admin JSON API keeps its own schemas and messages
// (providers.server.ts); the rules are the same.

export const PROVIDER_SLUG = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** US dollars per 1M tokens, at most 8 decimals (one µcr). */
export const USD_PRICE = /^\d{1,7}(\.\d{1,8})?$/;

const slug = z.string().max(100);
const upstreamKey = z
  .string({ error: "Paste the upstream key" })
  .trim()
  .min(8, "A key has at least 8 characters")
  .max(4096, "This key is too long");
const baseUrl = z
  .url({ protocol: /^https?$/, error: "Enter an http(s) URL" })
  .max(2048, "At most 2048 characters");
const seconds = z
  .number({ error: "Enter whole seconds" })
  .int("Enter whole seconds")
  .min(1, "At least 1 second")
  .max(3600, "At most 3600 seconds")
  .optional();
const price = z
  .string({ error: "Enter a price, e.g. 0.59" })
  .trim()
  .regex(USD_PRICE, "Enter US dollars per 1M tokens, e.g. 0.59");

export const CreateProviderFormSchema = z
  .object({
    intent: z.literal("create"),
    slug: z
      .string({ error: "Give it a slug, e.g. groq" })
      .regex(PROVIDER_SLUG, "Use 1-63 of a-z, 0-9, . _ - (starting with a letter or digit)"),
    kind: z.enum(PROVIDER_KINDS, { error: "Pick a kind" }),
    baseUrl: baseUrl.optional(),
    name: z.string().trim().max(100, "At most 100 characters").optional(),
    apiKey: upstreamKey.optional(),
    streamUsage: z.literal("on").optional(),
  })
  .refine((form) => !providerKind(form.kind)?.needsBaseUrl || form.baseUrl !== undefined, {
    path: ["baseUrl"],
    error: "An OpenAI-compatible provider needs its base URL",
  });

export const AddKeyFormSchema = z.object({
  intent: z.literal("add-key"),
  slug,
  apiKey: upstreamKey,
});

/** A provider's settings; an empty base URL means the official API's, an empty timeout the environment's. */
export const EditProviderFormSchema = z.object({
  intent: z.literal("edit"),
  slug,
  name: z.string().trim().max(100, "At most 100 characters").optional(),
  baseUrl: baseUrl.optional(),
  streamUsage: z.literal("on").optional(),
  firstByteTimeoutSeconds: seconds,
  chunkTimeoutSeconds: seconds,
  answerTimeoutSeconds: seconds,
});

export const ImportModelsFormSchema = z.object({
  intent: z.literal("import"),
  slug,
  input: price,
  output: price,
});
