import type { ChatRequest } from "../gateway/chat-request.ts";

// Tokens an image may cost on any of our providers, whatever its URL's length
// (OpenAI high detail tops out near 1,600; Claude near 1,600; Gemini 258 per tile).
const IMAGE_TOKEN_ALLOWANCE = 6_000;

/**
 * An upper bound on the request's input tokens, for the reservation. Every
 * tokenizer our providers use emits at most one token per UTF-8 byte of text,
 * so the body's byte length bounds the text; images get a fixed allowance.
 */
export function inputTokensUpperBound(request: ChatRequest): number {
  let images = 0;
  for (const message of request.messages) {
    if (message.role === "user" && Array.isArray(message.content)) {
      images += message.content.filter((part) => part.type === "image_url").length;
    }
  }
  const bytes = Buffer.byteLength(
    JSON.stringify({ messages: request.messages, tools: request.tools }),
  );
  return bytes + images * IMAGE_TOKEN_ALLOWANCE;
}
