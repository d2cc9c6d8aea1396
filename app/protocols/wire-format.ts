import type { GatewayError } from "../http/gateway-error.ts";
import type { ChatRequest } from "../llm/chat-request.ts";
import type { StreamPart, Usage } from "../llm/parts.ts";
import type { CompletionAccumulator } from "./completion-accumulator.ts";

// How one client protocol (OpenAI chat, the /completions content events, Anthropic
// Messages) writes an answer. The run is the same for all; only this differs.

/** What every rendering of one answer shares. */
export interface AnswerIdentity {
  requestId: string;
  /** Unix seconds. */
  created: number;
  /** The answering model as the client's API names it: its slug, or its OpenRouter id on /api/v1. */
  model: string;
  /** The answering provider, by OpenRouter's name for it (its answers say it). */
  provider: string;
}

/** What a settled request was charged: the usage and its cost in µcr. */
export interface Charge {
  usage: Usage;
  cost: bigint;
  /** Served with the user's own provider key (BYOK). */
  byok: boolean;
}

/** Writes one streamed answer. Every method returns framed SSE text ("" for nothing). */
export interface StreamRenderer {
  /** Written together with the first batch of parts. */
  start(): string;
  part(part: StreamPart): string;
  /** Ends an answer that finished. */
  end(charge: Charge): string;
  /** Ends an answer that failed after its first byte. */
  fail(error: GatewayError): string;
}

export interface WireFormat {
  stream(identity: AnswerIdentity, request: ChatRequest): StreamRenderer;
  /** The non-streaming answer's JSON body. */
  json(identity: AnswerIdentity, answer: CompletionAccumulator, charge: Charge): unknown;
  /** An error answered before the first byte, in the protocol's error shape. */
  error(error: GatewayError, headers?: Record<string, string>): Response;
}
