import OpenAI, { toFile } from "openai";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
} from "openai/resources/chat/completions";
import type { StreamPart } from "../../llm/parts.ts";
import type {
  TranscriptionStreamEvent,
  TranscriptionVerbose,
} from "openai/resources/audio/transcriptions";
import {
  mapStainlessError,
  UpstreamError,
  upstreamStatusError,
  type AdapterCall,
  type ImageUpload,
  type ProviderAdapter,
  type TranscriptionCall,
} from "../adapter.ts";
import { transcriptionUsage, transcriptPart } from "./openai-transcription.ts";
import { SseDecoder, type SseEvent } from "../sse-decoder.ts";
import { tokenCount } from "../token-count.ts";
import { responseChunks, upstreamFetch } from "../upstream-fetch.server.ts";
import { chunkParts, completionParts } from "./openai-parts.ts";

/**
 * OpenAI speaks our canonical format already: the SDK sends the request
 * (retries are ours, maxRetries: 0, so that a failing provider can be left for
 * the next mapping quickly) and we read its raw answer: an SSE stream a network
 * read at a time, or for clients that do not stream, one JSON completion.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function createOpenAIAdapter(options: {
  apiKey: string;
  baseURL?: string;
  timeoutMs?: number;
  /** The server reports usage in streams when asked (stream_options); default true. */
  streamUsage?: boolean;
  /** Send the output cap as max_tokens, which every OpenAI-compatible server knows. */
  legacyMaxTokens?: boolean;
}): ProviderAdapter {
  const wire = {
    streamUsage: options.streamUsage ?? true,
    legacyMaxTokens: options.legacyMaxTokens ?? false,
  };
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 600_000,
    fetch: upstreamFetch,
  });
  return {
    wholeAnswers: true,
    audioInput: true,
    async streamParts(call) {
      let response: Response;
      try {
        response = await client.chat.completions
          .create(toOpenAIParams(call, wire), { signal: call.signal })
          .asResponse();
      } catch (error) {
        throw mapOpenAIError(error);
      }
      return call.stream
        ? streamedParts(response, call.signal)
        : answerParts(response, call.signal);
    },
    async embed(call) {
      try {
        // Without encoding_format the SDK asks for base64 and decodes it: less to transfer.
        const answer = await client.embeddings.create(
          {
            model: call.upstreamModel,
            input: call.inputs,
            ...(call.dimensions === undefined ? {} : { dimensions: call.dimensions }),
          },
          { signal: call.signal },
        );
        const vectors: number[][] = [];
        for (const item of answer.data) vectors[item.index] = item.embedding;
        const reported = answer.usage?.prompt_tokens;
        return { vectors, inputTokens: reported == null ? undefined : tokenCount(reported) };
      } catch (error) {
        throw mapOpenAIError(error);
      }
    },
    async generateImages(call) {
      try {
        const params = {
          model: call.upstreamModel,
          prompt: call.prompt,
          n: call.n,
          size: call.size as "auto",
          quality: call.quality as "auto",
          ...(call.outputFormat ? { output_format: call.outputFormat as "png" } : {}),
          ...(call.background ? { background: call.background as "auto" } : {}),
          // DALL·E answers URLs unless asked for the bytes; the GPT image models always send bytes.
          ...(call.upstreamModel.startsWith("dall-e")
            ? { response_format: "b64_json" as const }
            : {}),
        };
        const upload = (image: ImageUpload) =>
          toFile(image.bytes, image.name, { type: image.mimeType });
        const answer = call.images
          ? await client.images.edit(
              {
                ...params,
                image: await Promise.all(call.images.map(upload)),
                ...(call.mask ? { mask: await upload(call.mask) } : {}),
              },
              { signal: call.signal },
            )
          : await client.images.generate(params, { signal: call.signal });
        const mimeType = `image/${answer.output_format ?? call.outputFormat ?? "png"}`;
        return {
          images: (answer.data ?? []).flatMap((image) =>
            image.b64_json
              ? [{ base64: image.b64_json, mimeType, revisedPrompt: image.revised_prompt }]
              : [],
          ),
          size: answer.size,
          quality: answer.quality,
        };
      } catch (error) {
        throw mapOpenAIError(error);
      }
    },
    async speak(call) {
      let response: Response;
      try {
        response = await client.audio.speech.create(
          {
            model: call.upstreamModel,
            input: call.input,
            voice: call.voice,
            response_format: call.format as "mp3",
            ...(call.speed === undefined ? {} : { speed: call.speed }),
            ...(call.instructions === undefined ? {} : { instructions: call.instructions }),
          },
          { signal: call.signal },
        );
      } catch (error) {
        throw mapOpenAIError(error);
      }
      if (!response.body) throw upstreamStatusError("OpenAI", 502, "no audio in the answer");
      return {
        body: response.body,
        contentType: response.headers.get("content-type") ?? "application/octet-stream",
      };
    },
    async transcribe(call) {
      try {
        const common = {
          model: call.upstreamModel,
          file: call.file,
          response_format: call.answerFormat,
          ...(call.prompt ? { prompt: call.prompt } : {}),
          ...(call.temperature === undefined ? {} : { temperature: call.temperature }),
        };
        // verbose_json (whisper-1) or json (the models priced by tokens, ADR 074); the SDK types a
        // translation's answer as its plain shape.
        const answer: Partial<TranscriptionVerbose> & { text: string; usage?: unknown } =
          call.translate
            ? await client.audio.translations.create(common, { signal: call.signal })
            : await client.audio.transcriptions.create(
                { ...transcriptionParams(call, common), stream: false },
                { signal: call.signal },
              );
        const usage = answer.usage as { type?: string; seconds?: number } | undefined;
        const tokens = transcriptionUsage(answer.usage);
        return {
          text: answer.text,
          language: answer.language,
          seconds: usage?.type === "duration" ? usage.seconds : answer.duration,
          duration: answer.duration,
          segments: answer.segments?.map(({ id, start, end, text }) => ({ id, start, end, text })),
          words: answer.words,
          ...(tokens ? { usage: tokens } : {}),
        };
      } catch (error) {
        throw mapOpenAIError(error);
      }
    },
    async streamTranscription(call) {
      let events: AsyncIterable<TranscriptionStreamEvent>;
      try {
        events = await client.audio.transcriptions.create(
          {
            ...transcriptionParams(call, {
              model: call.upstreamModel,
              file: call.file,
              response_format: call.answerFormat,
              ...(call.prompt ? { prompt: call.prompt } : {}),
              ...(call.temperature === undefined ? {} : { temperature: call.temperature }),
            }),
            stream: true,
          },
          { signal: call.signal },
        );
      } catch (error) {
        throw mapOpenAIError(error);
      }
      return transcriptParts(events);
    },
  };
}

/** A transcription's own fields (not a translation's): its language and timestamps. */
function transcriptionParams<T extends object>(call: TranscriptionCall, common: T) {
  return {
    ...common,
    ...(call.language ? { language: call.language } : {}),
    ...(call.timestampGranularities
      ? { timestamp_granularities: call.timestampGranularities }
      : {}),
  };
}

/** The SDK's events as parts; a broken stream (or an error event) as an UpstreamError. */
async function* transcriptParts(events: AsyncIterable<TranscriptionStreamEvent>) {
  try {
    for await (const event of events) {
      const part = transcriptPart(event);
      if (part) yield part;
    }
  } catch (error) {
    throw mapOpenAIError(error);
  }
}

function toOpenAIParams(
  { request, upstreamModel, maxOutputTokens, stream }: AdapterCall,
  wire: { streamUsage: boolean; legacyMaxTokens: boolean },
): ChatCompletionCreateParams {
  const {
    max_tokens: _deprecated,
    stream: _stream,
    stream_options: _options,
    n: _n,
    // The gateway's own routing fields (OpenRouter's): OpenAI refuses arguments it does not know.
    models: _models,
    provider: _provider,
    ...rest
  } = request;
  return {
    ...(rest as Omit<ChatCompletionCreateParams, "model">),
    model: upstreamModel,
    ...(wire.legacyMaxTokens
      ? { max_tokens: maxOutputTokens }
      : { max_completion_tokens: maxOutputTokens }),
    ...(stream
      ? wire.streamUsage
        ? { stream: true, stream_options: { include_usage: true } }
        : { stream: true }
      : {}),
  };
}

/** The parts of each network read together; events after [DONE] are ignored, the body is read to its end. */
async function* streamedParts(response: Response, signal: AbortSignal) {
  const decoder = new SseDecoder();
  let done = false;
  try {
    for await (const chunks of responseChunks(response, signal)) {
      if (done) continue; // drain, so that the connection can be reused
      const parts: StreamPart[] = [];
      for (const chunk of chunks)
        for (const event of decoder.push(chunk)) done ||= addEventParts(event, parts, response);
      if (parts.length > 0) yield parts;
    }
    if (!done) {
      const parts: StreamPart[] = [];
      for (const event of decoder.end()) addEventParts(event, parts, response);
      if (parts.length > 0) yield parts;
    }
  } catch (error) {
    throw mapOpenAIError(error);
  }
}

/** Adds an event's parts; true at the end-of-stream sentinel. */
function addEventParts(event: SseEvent, parts: StreamPart[], response: Response): boolean {
  if (event.data === "[DONE]") return true;
  const data = parseJson(event.data) as ChatCompletionChunk & { error?: unknown };
  // An error in the middle of a stream arrives as an event, as the SDK would raise it.
  if (event.event === "error" || data?.error)
    throw new OpenAI.APIError(undefined, data?.error ?? data, undefined, response.headers);
  chunkParts(data, parts);
  return false;
}

async function* answerParts(response: Response, signal: AbortSignal) {
  try {
    const body: Buffer[] = [];
    for await (const chunks of responseChunks(response, signal)) body.push(...chunks);
    if (signal.aborted) return;
    yield completionParts(parseJson(Buffer.concat(body).toString("utf8")) as ChatCompletion);
  } catch (error) {
    throw mapOpenAIError(error);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UpstreamError("OpenAI sent a malformed answer (not JSON)", {
      status: 502,
      retryable: true,
      code: "upstream_error",
    });
  }
}

const mapOpenAIError = (error: unknown) =>
  error instanceof UpstreamError ? error : mapStainlessError("OpenAI", OpenAI, error);
