import type { ChatRequest } from "./chat-request.ts";
import { pdfPagesUpperBound } from "./pdf-pages.ts";
import { wavDuration } from "../utils/audio-formats.ts";

// Tokens an image may cost on any of our providers, whatever its URL's length
// (OpenAI high detail tops out near 1,600; Claude near 1,600; Gemini 258 per tile).
const IMAGE_TOKEN_ALLOWANCE = 6_000;
// A PDF page is its text and an image of it on Claude and OpenAI (Gemini: 258 tokens a page).
const PDF_PAGE_TOKEN_ALLOWANCE = 6_000;
// Audio: Gemini counts 32 tokens a second, OpenAI fewer; a second of speech is at least 1,000
// bytes (8 kbit/s), so its bytes bound its seconds.
export const AUDIO_TOKENS_PER_SECOND = 32;
export const MIN_AUDIO_BYTES_PER_SECOND = 1_000;

/**
 * An upper bound on the request's input tokens, for the reservation. Every
 * tokenizer our providers use emits at most one token per UTF-8 byte of text,
 * so the body's byte length bounds the text; images get a fixed allowance,
 * PDFs one per page.
 */
export function inputTokensUpperBound(request: ChatRequest): number {
  let images = 0;
  let pdfPages = 0;
  let audioSeconds = 0;
  let audioCharacters = 0;
  for (const message of request.messages) {
    if (message.role === "user" && Array.isArray(message.content)) {
      for (const part of message.content) {
        if (part.type === "image_url") images += 1;
        if (part.type === "file") pdfPages += pdfPagesUpperBound(part.file.file_data);
        if (part.type === "input_audio") {
          // Audio is tokens by its length, not its base64 text: that is left out of the bytes.
          const { data, format } = part.input_audio;
          audioCharacters += data.length;
          audioSeconds += audioSecondsBound(data, format);
        }
      }
    }
  }
  const bytes = Buffer.byteLength(
    JSON.stringify({ messages: request.messages, tools: request.tools }),
  );
  return (
    bytes -
    audioCharacters +
    images * IMAGE_TOKEN_ALLOWANCE +
    pdfPages * PDF_PAGE_TOKEN_ALLOWANCE +
    audioSeconds * AUDIO_TOKENS_PER_SECOND
  );
}

/** A WAV's own length (its header, in the first bytes of its base64), else the bytes at 8 kbit/s. */
function audioSecondsBound(base64: string, format: string) {
  const bytes = (base64.length * 3) / 4;
  if (format === "wav") {
    const header = Buffer.from(base64.slice(0, 64), "base64");
    const seconds = wavDuration(header, bytes);
    if (seconds !== undefined) return Math.ceil(seconds);
  }
  return Math.ceil(bytes / MIN_AUDIO_BYTES_PER_SECOND);
}
