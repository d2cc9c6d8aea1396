import type { ChatRequest } from "./chat-request.ts";
import { pdfPagesUpperBound } from "./pdf-pages.ts";

// Tokens an image may cost on any of our providers, whatever its URL's length
// (OpenAI high detail tops out near 1,600; Claude near 1,600; Gemini 258 per tile).
const IMAGE_TOKEN_ALLOWANCE = 6_000;
// A PDF page is its text and an image of it on Claude and OpenAI (Gemini: 258 tokens a page).
const PDF_PAGE_TOKEN_ALLOWANCE = 6_000;

/**
 * An upper bound on the request's input tokens, for the reservation. Every
 * tokenizer our providers use emits at most one token per UTF-8 byte of text,
 * so the body's byte length bounds the text; images get a fixed allowance,
 * PDFs one per page.
 */
export function inputTokensUpperBound(request: ChatRequest): number {
  let images = 0;
  let pdfPages = 0;
  for (const message of request.messages) {
    if (message.role === "user" && Array.isArray(message.content)) {
      for (const part of message.content) {
        if (part.type === "image_url") images += 1;
        if (part.type === "file") pdfPages += pdfPagesUpperBound(part.file.file_data);
      }
    }
  }
  const bytes = Buffer.byteLength(
    JSON.stringify({ messages: request.messages, tools: request.tools }),
  );
  return bytes + images * IMAGE_TOKEN_ALLOWANCE + pdfPages * PDF_PAGE_TOKEN_ALLOWANCE;
}
