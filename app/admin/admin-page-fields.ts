import { z } from "zod";

// The Admin page's forms (grant credits, set or remove an alias): one schema
// each for conform in the browser and the action on the server (ADR 046).

// Credits an admin gives a user (support, refunds outside Stripe, trials).
export const GrantSchema = z.object({
  intent: z.literal("grant"),
  token: z.uuid(),
  email: z.email("Enter the user's email").max(320),
  credits: z.coerce
    .number()
    .int("Enter whole credits")
    .min(1, "At least 1 credit")
    .max(10_000_000, "At most 10,000,000 credits"),
  note: z.string().trim().min(1, "Say why (shown in the audit log)").max(500),
});

// An alias: one more name for a model, accepted wherever a model is named.
export const AliasSchema = z.object({
  intent: z.literal("alias"),
  name: z.string().trim().min(1, "Give the alias a name").max(64),
  model: z.string().trim().min(1, "Name the model it stands for").max(200),
});
export const AliasDeleteSchema = z.object({
  intent: z.literal("alias-delete"),
  name: z.string().max(64),
});
