import type { ChatRequest } from "../llm/chat-request.ts";
import type { StreamPart, Usage } from "../llm/parts.ts";

/**
 * The client's own request, for a provider that speaks the client's protocol:
 * sent as received (model and max_tokens replaced), so that nothing the
 * canonical request cannot carry is lost (Claude's thinking, cache_control).
 */
export interface NativeRequest {
  protocol: "anthropic";
  body: Record<string, unknown>;
  /** Headers to forward, e.g. anthropic-beta. */
  headers: Record<string, string>;
}

export interface AdapterCall {
  request: ChatRequest;
  native?: NativeRequest;
  /** The provider's name for the model. */
  upstreamModel: string;
  /** Output cap the gateway reserved credits for; always sent upstream. */
  maxOutputTokens: number;
  /** Whether the client streams; when it does not, an adapter may ask for one whole answer. */
  stream: boolean;
  signal: AbortSignal;
}

export interface EmbedCall {
  upstreamModel: string;
  inputs: string[];
  /** Fewer dimensions than the model's own, where the model can shorten its vectors. */
  dimensions?: number;
  signal: AbortSignal;
}

export interface Embeddings {
  /** One vector per input, in input order. */
  vectors: number[][];
  /** The provider's count, when it reports one. */
  inputTokens: number | undefined;
}

/** An image generation (ADR 072): the client's prompt and options, as the gateway checked them. */
export interface ImageCall {
  upstreamModel: string;
  prompt: string;
  /** How many images. */
  n: number;
  /** "1024x1024", or "auto". */
  size: string;
  /** "low" | "medium" | "high" | "standard" | "hd" | "auto". */
  quality: string;
  /** "png" | "jpeg" | "webp"; absent: the provider's default. */
  outputFormat?: string;
  /** "transparent" | "opaque" | "auto"; absent: the provider's default. */
  background?: string;
  /** An edit (POST /v1/images/edits): the images to start from, and the mask of where to paint. */
  images?: ImageUpload[];
  mask?: ImageUpload;
  signal: AbortSignal;
}

export interface ImageUpload {
  bytes: Uint8Array;
  mimeType: string;
  name: string;
}

export interface GeneratedImages {
  images: { base64: string; mimeType: string; revisedPrompt?: string }[];
  /** The size and quality the provider says it made, when it says (the bill's variant). */
  size?: string;
  quality?: string;
}

/** Speech for a text (ADR 072), as the client asked for it. */
export interface SpeechCall {
  upstreamModel: string;
  input: string;
  voice: string;
  /** mp3 | opus | aac | flac | wav | pcm */
  format: string;
  speed?: number;
  instructions?: string;
  signal: AbortSignal;
}

/** The provider's audio, as it streams it. */
export interface Speech {
  body: ReadableStream<Uint8Array>;
  contentType: string;
  /**
   * Speech billed by tokens (ADR 075): settles once the body has ended, broken off or been
   * cancelled, with what the provider reported by then and the audio the body gave out.
   * Absent for speech billed by the characters of its text.
   */
  usage?: Promise<SpeechUsage>;
  /** The same, as it stands while the audio streams: what a crash would leave to bill. */
  soFar?: () => SpeechUsage;
}

export interface SpeechUsage {
  /** The provider's last reported usage (a running total while it streams), if any. */
  reported: Usage | undefined;
  /** Audio tokens the audio the body gave out is worth, at the provider's rate: the estimate without a report. */
  audioTokens: number;
  /** Whether the provider said the audio was complete. */
  finished: boolean;
}

/**
 * What a provider's speech takes besides the text (ADR 075), checked before anything is
 * held; absent: anything OpenAI's request may say, passed on as it is.
 */
export interface SpeechOptions {
  /** Its voices' names, as it spells them. */
  voices: readonly string[];
  /** The response formats it can give, the first when the client named none. */
  formats: readonly string[];
  /** Whether it takes a speed other than 1. */
  speed: boolean;
}

/**
 * A transcription (ADR 072, 074): the upload, asked for as verbose_json from a model priced
 * per minute (its duration is the bill), as json from one priced by tokens (its usage is).
 */
export interface TranscriptionCall {
  upstreamModel: string;
  file: File;
  answerFormat: "verbose_json" | "json";
  language?: string;
  prompt?: string;
  temperature?: number;
  timestampGranularities?: ("word" | "segment")[];
  /** A translation (POST /v1/audio/translations): the speech as English text. */
  translate?: boolean;
  signal: AbortSignal;
}

export interface Transcription {
  text: string;
  language?: string;
  /** Seconds of audio billed, as the provider reports them (whisper: whole seconds). */
  seconds?: number;
  /** The audio's length, as the provider measured it. */
  duration?: number;
  segments?: { id: number; start: number; end: number; text: string }[];
  words?: { word: string; start: number; end: number }[];
  /** A model priced by tokens (ADR 074): its usage as reported, the audio as modality tokens. */
  usage?: Usage;
}

/** A streamed transcription's events (ADR 074), as the provider sends them. */
export type TranscriptPart =
  | { type: "delta"; text: string; logprobs?: unknown[] }
  | { type: "done"; text: string; logprobs?: unknown[]; usage?: Usage };

/**
 * One provider behind one contract. `streamParts` resolves once the provider accepted
 * the request (before that, failures may be retried elsewhere); the iterable
 * then yields parts as they arrive, all those of one network read together,
 * and throws UpstreamError if the stream breaks.
 */
export interface ProviderAdapter {
  streamParts(call: AdapterCall): Promise<AsyncIterable<StreamPart[]>>;
  /**
   * Asks for one whole answer when the client does not stream (instead of a
   * stream it collects): such an answer comes, headers and all, only once the
   * model has finished, so only the answer limit can time it.
   */
  readonly wholeAnswers?: boolean;
  /** Takes `input_audio` parts in a chat (ADR 072); Claude does not. */
  readonly audioInput?: boolean;
  /** Answers a chat with images when asked (`modalities`, ADR 073): Gemini's image models. */
  readonly imageOutput?: boolean;
  /** Vectors for texts; absent for providers without an embeddings API (Anthropic). */
  embed?(call: EmbedCall): Promise<Embeddings>;
  /** Images for a prompt; absent for providers without image models (Anthropic). */
  generateImages?(call: ImageCall): Promise<GeneratedImages>;
  /** Speech for a text; resolves once the provider accepted (its audio then streams). */
  speak?(call: SpeechCall): Promise<Speech>;
  readonly speechOptions?: SpeechOptions;
  transcribe?(call: TranscriptionCall): Promise<Transcription>;
  /**
   * A transcription's events as they come (`stream: true`, models priced by tokens): resolves
   * once the provider accepted the upload; the iterable throws UpstreamError if it breaks.
   */
  streamTranscription?(call: TranscriptionCall): Promise<AsyncIterable<TranscriptPart>>;
}

/** For adapters whose SDK hands out one event at a time: each part alone. */
export async function* onePerBatch(parts: AsyncIterable<StreamPart>): AsyncIterable<StreamPart[]> {
  for await (const part of parts) yield [part];
}

/** A provider failure, already mapped to what the gateway answers. */
export class UpstreamError extends Error {
  readonly status: number;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | undefined;
  readonly code: string;

  constructor(
    message: string,
    options: { status: number; retryable: boolean; code: string; retryAfterSeconds?: number },
  ) {
    super(message);
    this.name = "UpstreamError";
    this.status = options.status;
    this.retryable = options.retryable;
    this.code = options.code;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** The three providers' wordings of "the prompt does not fit the model's context window". */
const CONTEXT_OVERFLOW =
  /context length|context_length_exceeded|context window|prompt is too long|input token count .* exceeds/i;

/** Maps an upstream HTTP status to the gateway's answer and whether another try may help. */
export function upstreamStatusError(
  provider: string,
  status: number,
  detail: string,
  retryAfterSeconds?: number,
) {
  const message = `${provider} answered ${status}: ${detail}`;
  if (status === 429)
    return new UpstreamError(message, {
      status: 429,
      retryable: true,
      code: "upstream_rate_limited",
      retryAfterSeconds,
    });
  if (status === 408 || status === 504)
    return new UpstreamError(message, { status: 504, retryable: true, code: "upstream_timeout" });
  if (status === 503 || status === 529)
    return new UpstreamError(message, {
      status: 503,
      retryable: true,
      code: "upstream_unavailable",
      retryAfterSeconds,
    });
  if (status >= 500)
    return new UpstreamError(message, { status: 502, retryable: true, code: "upstream_error" });
  // Said the way clients look for it: Claude Code compacts its conversation on
  // "prompt is too long", OpenAI's clients on the code context_length_exceeded.
  if ((status === 400 || status === 413) && CONTEXT_OVERFLOW.test(detail))
    return new UpstreamError(`prompt is too long: ${message}`, {
      status: 400,
      retryable: false,
      code: "context_length_exceeded",
    });
  if (status === 400 || status === 413 || status === 422)
    return new UpstreamError(message, {
      status: 400,
      retryable: false,
      code: "upstream_rejected_request",
    });
  // The provider refused our key: another key, or the next provider, may be accepted.
  if (status === 401 || status === 403)
    return new UpstreamError(message, {
      status: 502,
      retryable: true,
      code: "upstream_auth_failed",
    });
  // 404 and the rest: our configuration, not the client's request.
  return new UpstreamError(message, { status: 502, retryable: false, code: "upstream_error" });
}

export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

export function upstreamTimeout(provider: string) {
  return new UpstreamError(`${provider} did not answer in time`, {
    status: 504,
    retryable: true,
    code: "upstream_timeout",
  });
}

/** The last case of every adapter's error mapping: aborts pass through, anything else is an unreachable provider. */
export function upstreamUnreachable(provider: string, error: unknown): Error {
  if (error instanceof Error && error.name === "AbortError") return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UpstreamError(`${provider} connection failed: ${message}`, {
    status: 502,
    retryable: true,
    code: "upstream_unreachable",
  });
}

/** The error classes that both Stainless-generated SDKs (openai, @anthropic-ai/sdk) export. */
interface StainlessErrors {
  APIUserAbortError: abstract new (...args: never[]) => Error;
  APIConnectionTimeoutError: abstract new (...args: never[]) => Error;
  APIError: abstract new (...args: never[]) => Error & { status?: number; headers?: Headers };
}

/** Maps an openai or @anthropic-ai/sdk error to the gateway's answer; aborts pass through. */
export function mapStainlessError(provider: string, sdk: StainlessErrors, error: unknown): Error {
  if (error instanceof sdk.APIUserAbortError) return error;
  if (error instanceof sdk.APIConnectionTimeoutError) return upstreamTimeout(provider);
  if (error instanceof sdk.APIError) {
    if (error.status !== undefined) {
      return upstreamStatusError(
        provider,
        error.status,
        // The SDKs' messages start with the status, which ours says already.
        error.message.replace(/^\d{3} /, ""),
        parseRetryAfter(error.headers?.get("retry-after")),
      );
    }
    // An error event mid-stream (e.g. Anthropic's overloaded_error) arrives with no HTTP status.
    const overloaded = /overloaded/i.test(error.message);
    return new UpstreamError(`${provider} stream failed: ${error.message}`, {
      status: overloaded ? 503 : 502,
      retryable: true,
      code: overloaded ? "upstream_unavailable" : "upstream_error",
    });
  }
  return upstreamUnreachable(provider, error);
}
