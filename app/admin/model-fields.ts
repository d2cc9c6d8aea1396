import { z } from "zod";

// The admin's model form: a model's limits and the prices of each of its
// provider routes, at once. One schema for conform in the browser and for the
// action on the server (ADR 046); which routes belong to the model only the
// server can tell. Prices are typed in US dollars per 1M tokens and stored
// exactly as µcr (usdToMicro): at most 8 decimals, one µcr.

const price = z
  .string({ error: "Enter a price, e.g. 2.50" })
  .trim()
  .regex(
    /^\d{1,7}(\.\d{1,8})?$/,
    "Enter dollars per 1M tokens (at most 9999999.99999999), e.g. 2.50",
  );

const tokens = (max: number) =>
  z
    .number({ error: "Enter whole tokens" })
    .int("Enter whole tokens")
    .min(1, "At least 1 token")
    .max(max, `At most ${max.toLocaleString("en")} tokens`);

export const ModelRouteFields = z.object({
  id: z.number({ error: "Unknown route" }).int().positive().max(2_147_483_647),
  inputPrice: price,
  cachedInputPrice: price,
  outputPrice: price,
  enabled: z.literal("on").optional(),
});

export const ModelEditSchema = z
  .object({
    contextLength: tokens(100_000_000),
    maxOutputTokens: tokens(10_000_000),
    routes: z.array(ModelRouteFields).max(100).default([]),
  })
  .refine((model) => model.maxOutputTokens <= model.contextLength, {
    path: ["maxOutputTokens"],
    error: "At most the context length",
  });
