import type { Usage } from "../llm/parts.ts";

/** The most a request could have used: what its hold was sized by. */
export interface UsageBounds {
  /** Input tokens of every kind together (inputTokensUpperBound). */
  inputTokens: number;
  /** The output the provider was allowed (the call's max tokens). */
  outputTokens: number;
}

/**
 * Input a provider adds of its own and bills (Anthropic's tool-use system prompt is a few
 * hundred tokens; server-side tools more): room above the request's own bound, which
 * already counts a token per byte. What it guards against is nonsense, not a few tokens.
 */
const PROVIDER_INPUT_ALLOWANCE = 32_000;

const COUNTS = [
  "inputTokens",
  "cachedInputTokens",
  "cacheWriteTokens",
  "outputTokens",
  "reasoningTokens",
] as const;

/**
 * What is wrong with a provider's reported usage, one line per problem; empty
 * when it can be billed. Counts must be whole numbers ≥ 0 (the adapters turn
 * anything else into NaN: app/providers/token-count.ts) and within what
 * the request could produce. The one check every adapter's usage passes,
 * streamed or not, before it is billed.
 */
export function usageProblems(usage: Usage, bounds: UsageBounds): string[] {
  const malformed = COUNTS.filter(
    (count) => !Number.isSafeInteger(usage[count]) || usage[count] < 0,
  );
  if (malformed.length > 0) return malformed.map((count) => `${count} is not a whole number ≥ 0`);
  const problems: string[] = [];
  const input = usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens;
  const mostInput = bounds.inputTokens + PROVIDER_INPUT_ALLOWANCE;
  if (input > mostInput)
    problems.push(`${input} input tokens, more than the request's ${mostInput} at most`);
  if (usage.outputTokens > bounds.outputTokens)
    problems.push(
      `${usage.outputTokens} output tokens, more than the ${bounds.outputTokens} allowed`,
    );
  const special = usage.modalityTokens;
  if (special) {
    const side = special.modality === "audio_input_token" ? usage.inputTokens : usage.outputTokens;
    if (!Number.isSafeInteger(special.tokens) || special.tokens < 0 || special.tokens > side)
      problems.push(
        `${special.tokens} ${special.modality}s, not a part of the ${side} they belong to`,
      );
  }
  if (usage.reasoningTokens > usage.outputTokens)
    problems.push(
      `${usage.reasoningTokens} reasoning tokens, more than the output's ${usage.outputTokens}`,
    );
  return problems;
}

/** The log line for usage refused by usageProblems (with the provider and the problems). */
export const REFUSED_USAGE =
  "provider reported usage that cannot be right: billed by our own count";
