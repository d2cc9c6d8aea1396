import { z } from "zod";

// The provider keys page's forms (ADR 027), for conform in the browser and the
// action on the server; the JSON API checks the same key with upstreamKeySchema.

export const OwnKeyActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("save"),
    provider: z.string().max(100),
    apiKey: z
      .string({ error: "Paste your key" })
      .trim()
      .min(8, "A key has at least 8 characters")
      .max(4096, "This key is too long"),
    fallback: z.literal("on").optional(),
  }),
  z.object({
    intent: z.literal("remove"),
    provider: z.string().max(100),
    confirm: z.literal("yes", { error: "Tick the box to confirm" }),
  }),
]);
