import type { ChatRequest } from "../chat-request.ts";
import type { NativeRequest } from "../providers/adapter.ts";
import type { WireFormat } from "../render/wire-format.ts";

/**
 * One API the gateway speaks to its clients (OpenAI chat, the seed's
 * /completions, Anthropic Messages): how its requests are read into the
 * canonical request, where its key travels, and how its answers are written.
 * Everything between (key check, hold, provider, settlement) is shared.
 */
export interface ClientProtocol {
  /**
   * The canonical request, or a 400 naming the bad field; `bodyApiKey` only for
   * the seed's format; `native` when a provider can take the body as it came.
   */
  parse(
    body: unknown,
    request: Request,
  ): { request: ChatRequest; bodyApiKey?: string; native?: NativeRequest };
  /** The key sent in the headers, if any. */
  headerKey(request: Request): string | undefined;
  /** The key must come in a header: it is checked before the body is read. */
  keyInHeader: boolean;
  /** Says how to send the key, when none came. */
  missingKeyMessage: string;
  format: WireFormat;
}

export function bearerToken(request: Request) {
  return (
    request.headers
      .get("authorization")
      ?.match(/^Bearer\s+(.+)$/i)?.[1]
      ?.trim() || undefined
  );
}
