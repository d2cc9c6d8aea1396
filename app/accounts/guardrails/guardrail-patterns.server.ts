import { linearRegex } from "../../utils/linear-regex.server.ts";
import { PRESET_PATTERNS, type Guardrails } from "./guardrail-policy.ts";

/** A custom content rule whose pattern cannot run in linear time: refused where it is written. */
export class GuardrailPatternError extends Error {
  /** The field, as the JSON API names it (guardrails.contentRules[0].pattern). */
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
    this.name = "GuardrailPatternError";
  }
}

/** Throws GuardrailPatternError for the first custom pattern V8's linear-time engine cannot run. */
export function checkGuardrailPatterns(policy: Guardrails | null | undefined) {
  for (const [index, rule] of (policy?.contentRules ?? []).entries()) {
    if (rule.pattern in PRESET_PATTERNS) continue;
    const compiled = linearRegex(rule.pattern);
    if (!(compiled instanceof RegExp))
      throw new GuardrailPatternError(
        `guardrails.contentRules[${index}].pattern`,
        `The pattern of rule '${rule.name}' ${compiled.problem}`,
      );
  }
}
