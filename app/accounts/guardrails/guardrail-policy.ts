import { z } from "zod";

// Guardrails (ADR 067): what a key's or a team's requests may do besides spend,
// checked before any hold. Stored as JSON on the key and on the team; a team key
// obeys both, the stricter of each rule.

/** Patterns every policy may name by name, as regular expression sources. */
export const PRESET_PATTERNS = {
  email: "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z][A-Za-z]+",
  // Runs of digits, single spaces or dashes between them; a run counts as a card number
  // when it has 13–19 digits that pass the Luhn check (guardrails.server.ts).
  "card-number": "\\d(?:[ -]?\\d)*",
  // Secret keys of the common providers and clouds: OpenAI/Anthropic/OpenRouter (sk-...),
  // AWS access keys, GitHub tokens, Google API keys, Slack tokens. Counted repeats are
  // split in sixteens: V8's linear-time engine repeats at most 16 at once.
  "api-key":
    "\\b(?:sk-[A-Za-z0-9_-]{16}[A-Za-z0-9_-]{4}[A-Za-z0-9_-]*|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{16}[A-Za-z0-9]{14}[A-Za-z0-9]*|AIza[A-Za-z0-9_-]{16}[A-Za-z0-9_-]{16}[A-Za-z0-9_-]{3}|xox[abpr]-[A-Za-z0-9-]{10}[A-Za-z0-9-]*)",
} as const;
export type PresetName = keyof typeof PRESET_PATTERNS;
export const PRESET_NAMES = Object.keys(PRESET_PATTERNS) as PresetName[];

export const CONTENT_ACTIONS = ["block", "redact"] as const;

const providerSlugs = z
  .array(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "must be provider slugs"), {
    error: "must be an array of provider slugs",
  })
  .max(50);

/** USD per 1M tokens, as OpenRouter's max_price takes it. */
const usdPerMillion = z
  .number({ error: "must be US dollars per 1M tokens" })
  .min(0, "must not be negative")
  .max(100_000);

export const ContentRuleSchema = z.object({
  name: z
    .string({ error: "is required" })
    .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "must be 1-40 lowercase letters, digits, - or _"),
  /** A preset's name (email, card-number, api-key), or a custom regular expression. */
  pattern: z.string({ error: "is required" }).min(1).max(200, "must be at most 200 characters"),
  action: z.enum(CONTENT_ACTIONS, { error: 'must be "block" or "redact"' }),
});
export type ContentRule = z.infer<typeof ContentRuleSchema>;

export const GuardrailsSchema = z
  .object({
    /** Only these providers may serve (empty or absent: any). */
    allowedProviders: providerSlugs.optional(),
    /** Never these providers. */
    deniedProviders: providerSlugs.optional(),
    /** The most output a request may ask for; a request that names none is capped at it. */
    maxTokens: z
      .number({ error: "must be a number of tokens" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(10_000_000)
      .optional(),
    /** Routes priced above these are not used (OpenRouter's max_price). */
    maxPrice: z
      .object({ prompt: usdPerMillion.optional(), completion: usdPerMillion.optional() })
      .optional(),
    contentRules: z
      .array(ContentRuleSchema)
      .max(20, "at most 20 rules")
      .refine(
        (rules) => new Set(rules.map((rule) => rule.name)).size === rules.length,
        "rule names must differ",
      )
      .optional(),
  })
  .superRefine((policy, context) => {
    for (const [index, rule] of (policy.contentRules ?? []).entries()) {
      const problem = customPatternProblem(rule.pattern);
      if (problem)
        context.addIssue({
          code: "custom",
          message: problem,
          path: ["contentRules", index, "pattern"],
        });
    }
  });
export type Guardrails = z.infer<typeof GuardrailsSchema>;

/**
 * Why a custom pattern is refused, or undefined: here, only its syntax (the
 * browser checks it too). The server also compiles it for V8's linear-time
 * engine before saving it (utils/linear-regex.server.ts): patterns run on every
 * prompt in the gateway's one thread, and one that backtracks could stall all.
 */
export function customPatternProblem(pattern: string): string | undefined {
  if (pattern in PRESET_PATTERNS) return undefined;
  try {
    new RegExp(pattern, "g");
    return undefined;
  } catch {
    return "is not a valid regular expression";
  }
}

/** The policy a request obeys: its key's and its team's, the stricter of each rule; null when neither has one. */
export function combineGuardrails(
  key: Guardrails | null,
  team: Guardrails | null,
): Guardrails | null {
  if (!key || !team) return key ?? team;
  const allowed =
    key.allowedProviders?.length && team.allowedProviders?.length
      ? key.allowedProviders.filter((slug) => team.allowedProviders!.includes(slug))
      : key.allowedProviders?.length
        ? key.allowedProviders
        : team.allowedProviders;
  const lower = (a: number | undefined, b: number | undefined) =>
    a === undefined ? b : b === undefined ? a : Math.min(a, b);
  return {
    // Both lists set and disjoint: nothing is allowed (["-"] names no provider).
    allowedProviders: allowed?.length === 0 ? ["-"] : allowed,
    deniedProviders: [
      ...new Set([...(team.deniedProviders ?? []), ...(key.deniedProviders ?? [])]),
    ],
    maxTokens: lower(key.maxTokens, team.maxTokens),
    maxPrice: {
      prompt: lower(key.maxPrice?.prompt, team.maxPrice?.prompt),
      completion: lower(key.maxPrice?.completion, team.maxPrice?.completion),
    },
    // The team's rules first: a name both use is the team's.
    contentRules: [...(team.contentRules ?? []), ...(key.contentRules ?? [])].filter(
      (rule, index, rules) => rules.findIndex((other) => other.name === rule.name) === index,
    ),
  };
}
