import { z } from "zod";
import { LIMIT_PERIODS } from "../../billing/limit-period.ts";
import { MAX_CACHE_TTL_SECONDS } from "./cache-ttl.ts";

// The dashboard's key forms (create, and a key's limits): one schema each for
// conform in the browser and the action on the server. An empty field means no
// rule (ADR 026); which models exist only the server can tell.

const CreditLimitField = z
  .number({ error: "Enter a whole number of credits" })
  .int("Enter a whole number of credits")
  .min(1, "At least 1 credit")
  .max(1_000_000_000)
  .optional();

const RuleFields = {
  // The lifetime credit limit: what the key may ever spend.
  creditLimit: CreditLimitField,
  // The key stops working at the start of this day, UTC.
  expiresOn: z.iso
    .date({ error: "Enter a date" })
    .refine((day) => Date.parse(`${day}T00:00:00Z`) > Date.now(), "Pick a day after today")
    .optional(),
  allowedModels: z
    .string()
    .max(5_000)
    .regex(/^[\w.:/\-,\s]*$/, "List model names, separated by commas")
    .optional(),
  rpmLimit: z
    .number({ error: "Enter a whole number" })
    .int("Enter a whole number")
    .min(1, "At least 1")
    .max(1_000_000)
    .optional(),
  tpmLimit: z
    .number({ error: "Enter a whole number" })
    .int("Enter a whole number")
    .min(1, "At least 1")
    .max(1_000_000_000)
    .optional(),
  // Credits per UTC day or month, besides the lifetime credit limit.
  periodLimit: z
    .number({ error: "Enter a whole number of credits" })
    .int("Enter a whole number of credits")
    .min(1, "At least 1 credit")
    .max(1_000_000_000)
    .optional(),
  limitPeriod: z.enum(LIMIT_PERIODS, { error: "Pick day or month" }).default("month"),
  // The response cache: identical requests answered from the last answer for this long.
  cacheTtlSeconds: z
    .number({ error: "Enter a whole number of seconds" })
    .int("Enter a whole number of seconds")
    .min(1, "At least 1 second")
    .max(MAX_CACHE_TTL_SECONDS, `At most ${MAX_CACHE_TTL_SECONDS} seconds (a day)`)
    .optional(),
};

export const CreateKeySchema = z.object({
  intent: z.literal("create"),
  name: z
    .string({ error: "Give the key a name" })
    .trim()
    .min(1, "Give the key a name")
    .max(100, "Use at most 100 characters"),
  ...RuleFields,
});

/** A key's limits as its page changes them: every field at once, an empty one clears its rule. */
export const KeyRulesSchema = z.object(RuleFields);

/** "a, b c" -> ["a", "b", "c"] */
export const modelList = (text: string | undefined) =>
  (text ?? "").split(/[\s,]+/).filter((slug) => slug !== "");

/** Every form of the keys page: create, enable or disable, content logging, delete. */
export const KeyActionSchema = z.discriminatedUnion("intent", [
  CreateKeySchema,
  z.object({ intent: z.literal("toggle"), id: z.uuid(), enabled: z.enum(["true", "false"]) }),
  z.object({ intent: z.literal("content"), id: z.uuid(), logContent: z.enum(["true", "false"]) }),
  z.object({
    intent: z.literal("delete"),
    id: z.uuid(),
    confirm: z.literal("yes", { error: "Tick the box to confirm" }),
  }),
]);
