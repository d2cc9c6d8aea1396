import { contentText, type ChatRequest } from "../gateway/chat-request.ts";
import { EMPTY_USAGE, type Usage } from "../gateway/parts.ts";

// Loaded on first use: the o200k tables take ~0.5 s to load and most requests
// never need them (providers report usage).
let tokenizer: Promise<{ countTokens(text: string): number }> | undefined;
const loadTokenizer = () => (tokenizer ??= import("gpt-tokenizer/encoding/o200k_base"));

/**
 * Usage for a request whose provider never reported it (the client left, or
 * the stream broke): counted with OpenAI's o200k tokenizer, the `reported`
 * part kept where the provider did report something (e.g. Anthropic's input).
 */
export async function estimateUsage(
  request: ChatRequest,
  producedText: string,
  reported: Usage | undefined,
): Promise<Usage> {
  const { countTokens } = await loadTokenizer();
  const promptText = request.messages.map((message) => contentText(message.content)).join("\n");
  const inputTokens =
    reported && reported.inputTokens + reported.cachedInputTokens > 0
      ? undefined
      : countTokens(promptText);
  const outputTokens = countTokens(producedText);
  return {
    ...EMPTY_USAGE,
    ...reported,
    ...(inputTokens === undefined ? {} : { inputTokens }),
    outputTokens: Math.max(outputTokens, reported?.outputTokens ?? 0),
  };
}
