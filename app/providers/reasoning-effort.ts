import type { ReasoningEffort } from "../llm/chat-request.ts";

// The canonical request's effort (OpenAI's levels) as each provider says it:
// the nearest level it accepts (ADR 041). OpenAI's own adapter sends it as it is.

/**
 * Claude's `output_config.effort` has no level below low: none and minimal ask
 * for the least it offers.
 * @see https://platform.claude.com/docs/en/build-with-claude/effort
 */
export function anthropicEffort(effort: ReasoningEffort) {
  return effort === "none" || effort === "minimal" ? "low" : effort;
}

/**
 * Gemini's `thinkingConfig.thinkingLevel` stops at XHIGH and cannot switch
 * thinking off: none is its MINIMAL, max its XHIGH.
 * @see https://ai.google.dev/gemini-api/docs/thinking#thinking-levels
 */
export function geminiThinkingLevel(effort: ReasoningEffort) {
  const levels = {
    none: "MINIMAL",
    minimal: "MINIMAL",
    low: "LOW",
    medium: "MEDIUM",
    high: "HIGH",
    xhigh: "XHIGH",
    max: "XHIGH",
  } as const;
  return levels[effort];
}
