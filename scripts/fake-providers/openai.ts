// A fake OpenAI Chat Completions server: same paths, SSE framing, chunk and
// usage shapes, and error bodies as api.openai.com (see shared PROVIDER-WIRE.md §1).
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import {
  promptCharacters,
  sendJson,
  startFakeServer,
  writeEvent,
  type FakeProvider,
} from "./fake-server.ts";
import { fakeVector } from "./embeddings.ts";
import { fakePng } from "./images.ts";
import { fakeSpeech } from "./audio.ts";
import { transcriptionAnswer } from "./transcriptions.ts";
import {
  contentChunks,
  sleep,
  usageFor,
  type FakeScript,
  type FakeUsage,
  type Scripts,
} from "./script.ts";

const ERRORS: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: "invalid_request_error", code: null, message: "Invalid request." },
  401: {
    type: "invalid_request_error",
    code: "invalid_api_key",
    message: "Incorrect API key provided.",
  },
  404: {
    type: "invalid_request_error",
    code: "model_not_found",
    message: "The model does not exist or you do not have access to it.",
  },
  429: {
    type: "tokens",
    code: "rate_limit_exceeded",
    message: "Rate limit reached. Please try again in 1s.",
  },
  500: {
    type: "server_error",
    code: null,
    message: "The server had an error processing your request.",
  },
  503: {
    type: "server_error",
    code: null,
    message: "That model is currently overloaded with other requests.",
  },
};

function openAiUsage(usage: FakeUsage) {
  return {
    prompt_tokens: usage.input + usage.cached + usage.cacheWrite,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.cached + usage.cacheWrite + usage.output,
    prompt_tokens_details: {
      cached_tokens: usage.cached,
      audio_tokens: 0,
      cache_write_tokens: usage.cacheWrite,
    },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

type EmbeddingsParams = {
  model: string;
  input: string | string[];
  dimensions?: number;
  encoding_format?: "float" | "base64";
};

/** POST /v1/embeddings: deterministic vectors (1,536 by default), a token per 4 characters. */
async function embeddingsAnswer(
  params: EmbeddingsParams,
  scripts: Scripts,
): Promise<[number, unknown]> {
  const script = scripts.next(params.model);
  await sleep(script.firstByteDelayMs);
  if (script.status) return [script.status, { error: { ...ERRORS[script.status], param: null } }];
  const inputs = typeof params.input === "string" ? [params.input] : params.input;
  const tokens = inputs.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
  return [
    200,
    {
      object: "list",
      data: inputs.map((text, index) => {
        const vector = fakeVector(text, params.dimensions ?? 1536);
        return {
          object: "embedding",
          index,
          embedding:
            params.encoding_format === "base64"
              ? Buffer.from(new Float32Array(vector).buffer).toString("base64")
              : vector,
        };
      }),
      model: params.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens, ...script.usageOverride },
    },
  ];
}

const AUDIO_TYPES: Record<string, string> = {
  mp3: "audio/mpeg",
  opus: "audio/opus",
  aac: "audio/aac",
  flac: "audio/flac",
  wav: "audio/wav",
  pcm: "audio/pcm",
};

export function startFakeOpenAI(port?: number): Promise<FakeProvider> {
  return startFakeServer({
    port,
    basePath: "/v1",
    async respond({ request, response, body, rawBody, url, scripts, markCompleted }) {
      if (request.method === "POST" && url.pathname === "/v1/embeddings") {
        if (!request.headers.authorization?.startsWith("Bearer "))
          return sendJson(response, 401, { error: { ...ERRORS[401], param: null } });
        const [status, answer] = await embeddingsAnswer(body as EmbeddingsParams, scripts);
        if (response.destroyed) return;
        markCompleted();
        return sendJson(response, status, answer);
      }
      if (request.method === "POST" && url.pathname === "/v1/audio/speech") {
        if (!request.headers.authorization?.startsWith("Bearer "))
          return sendJson(response, 401, { error: { ...ERRORS[401], param: null } });
        const params = body as { model: string; input: string; response_format?: string };
        const script = scripts.next(params.model);
        await sleep(script.firstByteDelayMs);
        if (script.status)
          return sendJson(response, script.status, {
            error: { ...(ERRORS[script.status] ?? ERRORS[400]!), param: null },
          });
        const audio = fakeSpeech(params.input);
        const format = params.response_format ?? "mp3";
        response.writeHead(200, {
          "content-type": AUDIO_TYPES[format] ?? "application/octet-stream",
        });
        // In three pieces, as a provider streams audio.
        const third = Math.ceil(audio.length / 3);
        for (let at = 0; at < audio.length; at += third) {
          if (response.destroyed) return;
          response.write(audio.subarray(at, at + third));
          await sleep(script.chunkDelayMs);
        }
        markCompleted();
        response.end();
        return;
      }
      if (
        request.method === "POST" &&
        (url.pathname === "/v1/audio/transcriptions" || url.pathname === "/v1/audio/translations")
      ) {
        if (!request.headers.authorization?.startsWith("Bearer "))
          return sendJson(response, 401, { error: { ...ERRORS[401], param: null } });
        return transcriptionAnswer(request, response, rawBody, scripts, markCompleted);
      }
      if (request.method === "POST" && /^\/v1\/images\/(generations|edits)$/.test(url.pathname)) {
        if (!request.headers.authorization?.startsWith("Bearer "))
          return sendJson(response, 401, { error: { ...ERRORS[401], param: null } });
        // An edit comes as a form: its fields, and how many images it starts from.
        const edit = url.pathname.endsWith("/edits");
        const form = edit
          ? await new Request("http://fake/", {
              method: "POST",
              headers: { "content-type": request.headers["content-type"] ?? "" },
              body: new Uint8Array(rawBody),
            }).formData()
          : undefined;
        const params = (
          form
            ? {
                model: String(form.get("model")),
                prompt: `${String(form.get("prompt"))} (edit of ${form.getAll("image[]").length + form.getAll("image").length})`,
                n: form.get("n") === null ? undefined : Number(form.get("n")),
                size: form.get("size") ?? undefined,
                quality: form.get("quality") ?? undefined,
              }
            : body
        ) as { model: string; prompt: string; n?: number; size?: string; quality?: string };
        const script = scripts.next(params.model);
        await sleep(script.firstByteDelayMs);
        await script.heldUntil;
        if (script.status)
          return sendJson(response, script.status, {
            error: { ...(ERRORS[script.status] ?? ERRORS[400]!), param: null },
          });
        // `imagesAnswered` makes a provider answer fewer images than asked.
        const count = script.imagesAnswered ?? params.n ?? 1;
        if (response.destroyed) return;
        markCompleted();
        return sendJson(response, 200, {
          created: 1_700_000_000,
          data: Array.from({ length: count }, (_, index) => ({
            b64_json: fakePng(`${params.prompt}#${index}`).toString("base64"),
          })),
          // gpt-image models say what they made: "auto" becomes a size and a quality.
          size: params.size === undefined || params.size === "auto" ? "1024x1024" : params.size,
          quality:
            params.quality === undefined || params.quality === "auto" ? "medium" : params.quality,
          output_format: "png",
          usage: { input_tokens: 10, output_tokens: 1056 * count, total_tokens: 10 + 1056 * count },
        });
      }
      if (request.method === "GET" && url.pathname === "/v1/models") {
        if (!request.headers.authorization?.startsWith("Bearer "))
          return sendJson(response, 401, { error: { ...ERRORS[401], param: null } });
        markCompleted();
        return sendJson(response, 200, {
          object: "list",
          data: scripts.upstreamModels.map((id) => ({
            id,
            object: "model",
            created: 1_700_000_000,
            owned_by: "fake",
          })),
        });
      }
      if (request.method !== "POST" || url.pathname !== "/v1/chat/completions") {
        return sendJson(response, 404, {
          error: {
            message: `Unknown path ${url.pathname}`,
            type: "invalid_request_error",
            param: null,
            code: null,
          },
        });
      }
      if (!request.headers.authorization?.startsWith("Bearer ")) {
        return sendJson(response, 401, { error: { ...ERRORS[401], param: null } });
      }
      const keyStatus = scripts.keyStatuses.get(request.headers.authorization.slice(7));
      if (keyStatus !== undefined) {
        const error = ERRORS[keyStatus] ?? ERRORS[500]!;
        return sendJson(response, keyStatus, { error: { ...error, param: null } });
      }
      const params = body as {
        model: string;
        stream?: boolean;
        stream_options?: { include_usage?: boolean };
      };
      const script: FakeScript = scripts.next(params.model);
      await script.heldUntil;
      await sleep(script.firstByteDelayMs);
      if (script.contextOverflow) {
        return sendJson(response, 400, {
          error: {
            message:
              "This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens. Please reduce the length of the messages.",
            type: "invalid_request_error",
            param: "messages",
            code: "context_length_exceeded",
          },
        });
      }
      if (script.status) {
        const error = ERRORS[script.status] ?? ERRORS[500]!;
        const headers: Record<string, string> = {
          "x-request-id": `req_${randomBytes(6).toString("hex")}`,
        };
        if (script.retryAfterSeconds !== undefined)
          headers["retry-after"] = String(script.retryAfterSeconds);
        return sendJson(response, script.status, { error: { ...error, param: null } }, headers);
      }
      const id = `chatcmpl-${randomBytes(12).toString("hex")}`;
      const created = Math.floor(Date.now() / 1000);
      const chunks = contentChunks(script);
      const toolCalls = script.toolCalls ?? [];
      const usage = usageFor(script, promptCharacters(params), chunks.length + toolCalls.length);
      const finishReason = script.finishReason ?? (toolCalls.length ? "tool_calls" : "stop");

      if (!params.stream) {
        const answer = {
          id,
          object: "chat.completion",
          created,
          model: params.model,
          choices: [
            {
              index: 0,
              message: {
                role: "assistant",
                content: toolCalls.length && !chunks.length ? null : chunks.join(""),
                refusal: null,
                annotations: [],
                ...(toolCalls.length
                  ? {
                      tool_calls: toolCalls.map((call) => ({
                        id: call.id,
                        type: "function",
                        function: { name: call.name, arguments: call.arguments },
                      })),
                    }
                  : {}),
              },
              logprobs: null,
              finish_reason: finishReason,
            },
          ],
          ...(usage ? { usage: { ...openAiUsage(usage), ...script.usageOverride } } : {}),
          service_tier: "default",
        };
        if (script.bodyStallMs !== undefined)
          return stallMidBody(response, answer, script.bodyStallMs, markCompleted);
        markCompleted();
        return sendJson(response, 200, answer);
      }

      const includeUsage = params.stream_options?.include_usage === true;
      const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
        JSON.stringify({
          id,
          object: "chat.completion.chunk",
          created,
          model: params.model,
          system_fingerprint: "fp_fake",
          choices,
          ...(includeUsage ? { usage: null } : {}),
          ...extra,
        });
      response.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        connection: "keep-alive",
      });
      await writeEvent(
        response,
        chunk([
          {
            index: 0,
            delta: { role: "assistant", content: "" },
            logprobs: null,
            finish_reason: null,
          },
        ]),
      );
      let sent = 0;
      for (const text of chunks) {
        if (script.cutAfterChunks !== undefined && sent >= script.cutAfterChunks)
          return void response.destroy();
        if (script.malformedAfterChunks !== undefined && sent >= script.malformedAfterChunks) {
          response.end('data: {"id": "broken", "choices": [\n\n');
          return;
        }
        if (script.errorEventAfterChunks !== undefined && sent >= script.errorEventAfterChunks) {
          await writeEvent(response, JSON.stringify({ error: { ...ERRORS[503], param: null } }));
          response.end();
          return;
        }
        if (sent === script.stallAfterChunks) await sleep(script.stallMs);
        if (response.destroyed) return;
        await sleep(script.chunkDelayMs);
        await writeEvent(
          response,
          chunk([{ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }]),
        );
        sent++;
      }
      for (const [index, call] of toolCalls.entries()) {
        await sleep(script.chunkDelayMs);
        await writeEvent(
          response,
          chunk([
            {
              index: 0,
              delta: {
                tool_calls: [
                  {
                    index,
                    id: call.id,
                    type: "function",
                    function: { name: call.name, arguments: "" },
                  },
                ],
              },
              logprobs: null,
              finish_reason: null,
            },
          ]),
        );
        const half = Math.ceil(call.arguments.length / 2);
        for (const piece of [call.arguments.slice(0, half), call.arguments.slice(half)]) {
          await writeEvent(
            response,
            chunk([
              {
                index: 0,
                delta: { tool_calls: [{ index, function: { arguments: piece } }] },
                logprobs: null,
                finish_reason: null,
              },
            ]),
          );
        }
      }
      await writeEvent(
        response,
        chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason }]),
      );
      if (includeUsage && usage) {
        await writeEvent(
          response,
          JSON.stringify({
            id,
            object: "chat.completion.chunk",
            created,
            model: params.model,
            system_fingerprint: "fp_fake",
            choices: [],
            usage: { ...openAiUsage(usage), ...script.usageOverride },
          }),
        );
      }
      await writeEvent(response, "[DONE]");
      markCompleted();
      response.end();
    },
  });
}

/** Headers and the first half of a JSON answer, then silence, then the rest (unless the caller left). */
async function stallMidBody(
  response: ServerResponse,
  answer: unknown,
  stallMs: number,
  markCompleted: () => void,
) {
  const body = Buffer.from(JSON.stringify(answer));
  response.writeHead(200, { "content-type": "application/json", "content-length": body.length });
  response.write(body.subarray(0, body.length / 2));
  await sleep(stallMs);
  if (response.destroyed) return;
  markCompleted();
  response.end(body.subarray(body.length / 2));
}
