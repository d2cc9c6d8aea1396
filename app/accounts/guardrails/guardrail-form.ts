import { z } from "zod";
import {
  ContentRuleSchema,
  CONTENT_ACTIONS,
  GuardrailsSchema,
  PRESET_NAMES,
  type ContentRule,
  type Guardrails,
  type PresetName,
} from "./guardrail-policy.ts";

// The dashboard's guardrails form (a key's page, a team's page), for conform in
// the browser and the action on the server: plain fields a form can post without
// JavaScript, turned into the policy the JSON API takes (guardrail-policy.ts).

const PRESET_FIELDS: Record<PresetName, string> = {
  email: "presetEmail",
  "card-number": "presetCardNumber",
  "api-key": "presetApiKey",
};

const presetChoice = z.enum(["off", ...CONTENT_ACTIONS]).default("off");
const usd = z.number({ error: "Enter US dollars" }).min(0, "Not below 0").max(100_000).optional();

export const GuardrailsFormSchema = z.object({
  intent: z.literal("guardrails"),
  allowedProviders: z.string().max(2_000).optional(),
  deniedProviders: z.string().max(2_000).optional(),
  maxTokens: z
    .number({ error: "Enter a whole number" })
    .int("Enter a whole number")
    .min(1, "At least 1")
    .max(10_000_000)
    .optional(),
  maxPricePrompt: usd,
  maxPriceCompletion: usd,
  presetEmail: presetChoice,
  presetCardNumber: presetChoice,
  presetApiKey: presetChoice,
  // One rule a line: name | pattern | block or redact (the pattern may hold bars).
  customRules: z.string().max(10_000).optional(),
});
export type GuardrailsForm = z.infer<typeof GuardrailsFormSchema>;

const slugs = (text: string | undefined) =>
  (text ?? "").split(/[\s,]+/).filter((slug) => slug !== "");

/** The policy the form describes (null: none), or the errors by field. */
export function policyFromForm(
  form: GuardrailsForm,
): { policy: Guardrails | null } | { fieldErrors: Record<string, string[]> } {
  const rules: ContentRule[] = PRESET_NAMES.flatMap((name) => {
    const action = form[PRESET_FIELDS[name] as keyof GuardrailsForm];
    return action === "block" || action === "redact" ? [{ name, pattern: name, action }] : [];
  });
  const lines = (form.customRules ?? "").split("\n").filter((line) => line.trim() !== "");
  for (const [index, line] of lines.entries()) {
    // The pattern is what lies between the first and the last bar: it may hold bars itself.
    const first = line.indexOf("|");
    const last = line.lastIndexOf("|");
    const [name, pattern, action] =
      first === last
        ? [line.trim(), "", ""]
        : [line.slice(0, first), line.slice(first + 1, last), line.slice(last + 1)].map((cell) =>
            cell.trim(),
          );
    const rule = ContentRuleSchema.safeParse({ name, pattern, action });
    if (!rule.success) {
      const problem = rule.error.issues[0]!;
      return {
        fieldErrors: {
          customRules: [`Line ${index + 1}: ${String(problem.path[0])} ${problem.message}`],
        },
      };
    }
    rules.push(rule.data);
  }
  const policy = {
    ...(slugs(form.allowedProviders).length
      ? { allowedProviders: slugs(form.allowedProviders) }
      : {}),
    ...(slugs(form.deniedProviders).length ? { deniedProviders: slugs(form.deniedProviders) } : {}),
    ...(form.maxTokens === undefined ? {} : { maxTokens: form.maxTokens }),
    ...(form.maxPricePrompt === undefined && form.maxPriceCompletion === undefined
      ? {}
      : { maxPrice: { prompt: form.maxPricePrompt, completion: form.maxPriceCompletion } }),
    ...(rules.length ? { contentRules: rules } : {}),
  };
  if (Object.keys(policy).length === 0) return { policy: null };
  const checked = GuardrailsSchema.safeParse(policy);
  if (checked.success) return { policy: checked.data };
  const problem = checked.error.issues[0]!;
  const field = problem.path[0] === "contentRules" ? "customRules" : String(problem.path[0]);
  return { fieldErrors: { [field]: [problem.message] } };
}

/** The form's fields for a stored policy (its defaults). */
export function formFromPolicy(policy: Guardrails | null): Record<string, string> {
  const presetOf = (name: PresetName) =>
    policy?.contentRules?.find((rule) => rule.pattern === name && rule.name === name)?.action ??
    "off";
  const custom = (policy?.contentRules ?? []).filter(
    (rule) => !(rule.name === rule.pattern && PRESET_NAMES.includes(rule.name as PresetName)),
  );
  return {
    allowedProviders: policy?.allowedProviders?.join(", ") ?? "",
    deniedProviders: policy?.deniedProviders?.join(", ") ?? "",
    maxTokens: policy?.maxTokens === undefined ? "" : String(policy.maxTokens),
    maxPricePrompt: policy?.maxPrice?.prompt === undefined ? "" : String(policy.maxPrice.prompt),
    maxPriceCompletion:
      policy?.maxPrice?.completion === undefined ? "" : String(policy.maxPrice.completion),
    presetEmail: presetOf("email"),
    presetCardNumber: presetOf("card-number"),
    presetApiKey: presetOf("api-key"),
    customRules: custom.map((rule) => `${rule.name} | ${rule.pattern} | ${rule.action}`).join("\n"),
  };
}

/** A policy in a few words, for a card: "never google · max 500 tokens · redacts email". */
export function describeGuardrails(policy: Guardrails | null): string {
  if (!policy) return "none";
  const parts = [
    policy.allowedProviders?.length ? `only ${policy.allowedProviders.join(", ")}` : null,
    policy.deniedProviders?.length ? `never ${policy.deniedProviders.join(", ")}` : null,
    policy.maxTokens === undefined ? null : `max ${policy.maxTokens} tokens`,
    policy.maxPrice?.prompt === undefined ? null : `prompt ≤ $${policy.maxPrice.prompt}/1M`,
    policy.maxPrice?.completion === undefined
      ? null
      : `completion ≤ $${policy.maxPrice.completion}/1M`,
    ...(policy.contentRules ?? []).map((rule) => `${rule.action}s ${rule.name}`),
  ];
  const said = parts.filter((part) => part !== null);
  return said.length ? said.join(" · ") : "none";
}
