import { contentText, type ChatRequest } from "../llm/chat-request.ts";
import { EMPTY_USAGE, type Usage } from "../llm/parts.ts";
import { pdfPagesUpperBound } from "../llm/pdf-pages.ts";

// A separate chunk of the build, loaded by the gateway before it says ready
// (preloadTokenizer): the o200k tables take 100-150 ms of CPU and ~75 MB to
// load, which a request waiting for them would feel, and every deployment
// needs them soon (a stream's progress record after 1 s, a client that left,
// count_tokens, a provider that reports no usage).
let tokenizer: Promise<{ countTokens(text: string): number }> | undefined;
const loadTokenizer = () => (tokenizer ??= import("gpt-tokenizer/encoding/o200k_base"));

/** Loads the tokenizer now, so that no request waits for it (app/gateway/services/warm-up.server.ts). */
export async function preloadTokenizer() {
  (await loadTokenizer()).countTokens("warm");
}

/** Tokens Gemini bills for an image it makes (up to 1,024 × 1,024), as its price page says. */
const IMAGE_OUTPUT_TOKENS = 1_290;

/**
 * Usage for a request whose provider never reported it (the client left, or
 * the stream broke): counted with OpenAI's o200k tokenizer, the `reported`
 * part kept where the provider did report something (e.g. Anthropic's input);
 * each image the model made (ADR 073) at the tokens Gemini bills for one.
 */
export async function estimateUsage(
  request: ChatRequest,
  producedText: string,
  reported: Usage | undefined,
  images = 0,
): Promise<Usage> {
  const { countTokens } = await loadTokenizer();
  const promptText = request.messages.map((message) => contentText(message.content)).join("\n");
  const inputTokens =
    reported && reported.inputTokens + reported.cachedInputTokens > 0
      ? undefined
      : countTokens(promptText);
  const imageTokens = images * IMAGE_OUTPUT_TOKENS;
  const outputTokens = countTokens(producedText) + imageTokens;
  const reportedImages =
    reported?.modalityTokens?.modality === "image_output_token"
      ? reported.modalityTokens.tokens
      : 0;
  return {
    ...EMPTY_USAGE,
    ...reported,
    ...(inputTokens === undefined ? {} : { inputTokens }),
    outputTokens: Math.max(outputTokens, reported?.outputTokens ?? 0),
    ...(imageTokens > reportedImages
      ? { modalityTokens: { modality: "image_output_token", tokens: imageTokens } }
      : {}),
  };
}

/** Tokens an image costs at most on Claude (a 1,092 × 1,092 image is ~1,600). */
const IMAGE_TOKENS = 1_600;
/** Tokens a PDF page costs on Claude: up to ~3,000 of text and its image. */
const PDF_PAGE_TOKENS = 3_000;

/**
 * The request's input tokens, counted here without a provider call (for
 * count_tokens): message text and tool definitions with OpenAI's o200k
 * tokenizer, images at a flat allowance. Close to, not exactly, what a
 * provider's own tokenizer reports.
 */
export async function countInputTokens(request: ChatRequest): Promise<number> {
  const { countTokens } = await loadTokenizer();
  let tokens = 0;
  for (const message of request.messages) {
    tokens += countTokens(contentText(message.content));
    if (message.role === "user" && Array.isArray(message.content))
      for (const part of message.content) {
        if (part.type === "image_url") tokens += IMAGE_TOKENS;
        // A page's text and its image, as Claude counts a PDF.
        if (part.type === "file")
          tokens += PDF_PAGE_TOKENS * pdfPagesUpperBound(part.file.file_data);
      }
    if (message.role === "assistant" && message.tool_calls)
      tokens += countTokens(JSON.stringify(message.tool_calls));
  }
  if (request.tools) tokens += countTokens(JSON.stringify(request.tools));
  return tokens;
}

/** Tokens in these texts with OpenAI's o200k tokenizer (for providers that report none). */
export async function countTextTokens(texts: string[]): Promise<number> {
  const { countTokens } = await loadTokenizer();
  return texts.reduce((sum, text) => sum + countTokens(text), 0);
}
