// A fake Gemini API: /{v1,v1beta,v1alpha}/models/{model}:generateContent and
// :streamGenerateContent?alt=sse, one-line `data:` events without event names
// or [DONE], cumulative usageMetadata, Google error bodies (PROVIDER-WIRE.md §3).
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import {
  promptCharacters,
  sendJson,
  startFakeServer,
  writeEvent,
  type FakeProvider,
} from "./fake-server.ts";
import { fakePng } from "./images.ts";
import { fakeGeminiSpeech, FAKE_GEMINI_TOKENS_PER_CHUNK } from "./audio.ts";
import { fakeVector } from "./embeddings.ts";
import { contentChunks, sleep, usageFor, type FakeScript, type FakeUsage } from "./script.ts";

const STATUSES: Record<number, [string, string]> = {
  400: ["INVALID_ARGUMENT", "Request contains an invalid argument."],
  403: ["PERMISSION_DENIED", "Method doesn't allow unregistered callers."],
  404: ["NOT_FOUND", "models/x is not found for API version v1"],
  429: ["RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."],
  500: ["INTERNAL", "An internal error has occurred."],
  503: ["UNAVAILABLE", "The model is overloaded. Please try again later."],
};

/** The tokens Gemini bills for an image it makes (up to 1,024 × 1,024). */
export const CHAT_IMAGE_TOKENS = 1290;

const FINISH = { stop: "STOP", length: "MAX_TOKENS", tool_calls: "STOP" } as const;

// FakeUsage.output includes reasoning (as OpenAI counts it); Gemini reports thoughts apart.
function usageMetadata(usage: FakeUsage, outputSoFar: number) {
  const candidates = Math.max(0, outputSoFar - usage.reasoning);
  return {
    promptTokenCount: usage.input + usage.cached,
    candidatesTokenCount: candidates,
    totalTokenCount: usage.input + usage.cached + candidates + usage.reasoning,
    ...(usage.cached ? { cachedContentTokenCount: usage.cached } : {}),
    ...(usage.reasoning ? { thoughtsTokenCount: usage.reasoning } : {}),
  };
}

type EmbedBody = {
  requests: { content: { parts: { text?: string }[] }; outputDimensionality?: number }[];
};

/** batchEmbedContents: deterministic vectors (3,072 by default); Gemini reports no token counts. */
function embeddings(body: EmbedBody) {
  return {
    embeddings: body.requests.map((request) => ({
      values: fakeVector(
        request.content.parts.map((part) => part.text ?? "").join(""),
        request.outputDimensionality ?? 3072,
      ),
    })),
  };
}

export function startFakeGemini(port?: number): Promise<FakeProvider> {
  return startFakeServer({
    port,
    async respond({ request, response, body, url, scripts, markCompleted }) {
      const fail = (status: number, extra: Record<string, unknown> = {}) => {
        const [code, message] = STATUSES[status] ?? STATUSES[500]!;
        return sendJson(response, status, {
          error: { code: status, message, status: code, ...extra },
        });
      };
      const route =
        /^\/(v1|v1beta|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent|batchEmbedContents)$/.exec(
          url.pathname,
        );
      if (request.method !== "POST" || !route) return fail(404);
      if (!request.headers["x-goog-api-key"] && !url.searchParams.get("key")) return fail(403);
      const model = decodeURIComponent(route[2]!);
      if (route[3] === "batchEmbedContents") {
        const script = scripts.next(model);
        if (script.status) return fail(script.status);
        markCompleted();
        return sendJson(response, 200, embeddings(body as EmbedBody));
      }
      const stream = route[3] === "streamGenerateContent";
      const script: FakeScript = scripts.next(model);
      await sleep(script.firstByteDelayMs);
      if (script.contextOverflow) {
        return sendJson(response, 400, {
          error: {
            code: 400,
            message:
              "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).",
            status: "INVALID_ARGUMENT",
          },
        });
      }
      if (script.status) {
        const retry =
          script.retryAfterSeconds === undefined
            ? {}
            : {
                details: [
                  {
                    "@type": "type.googleapis.com/google.rpc.RetryInfo",
                    retryDelay: `${script.retryAfterSeconds}s`,
                  },
                ],
              };
        return fail(script.status, retry);
      }
      const chunks = contentChunks(script);
      const toolCalls = script.toolCalls ?? [];
      const usage = usageFor(script, promptCharacters(body), chunks.length + toolCalls.length);
      const finishReason =
        FINISH[script.finishReason ?? (toolCalls.length ? "tool_calls" : "stop")];
      const responseId = randomBytes(8).toString("hex");
      const functionParts = toolCalls.map((call) => ({
        functionCall: { name: call.name, args: JSON.parse(call.arguments) as unknown },
      }));
      const envelope = (parts: unknown[], outputSoFar: number, finished: boolean) => ({
        candidates: [
          { content: { parts, role: "model" }, ...(finished ? { finishReason } : {}), index: 0 },
        ],
        ...(usage
          ? { usageMetadata: { ...usageMetadata(usage, outputSoFar), ...script.usageOverride } }
          : {}),
        modelVersion: model,
        responseId,
      });

      const modalities = (body as { generationConfig?: { responseModalities?: string[] } })
        .generationConfig?.responseModalities;
      if (modalities?.includes("AUDIO"))
        return speak({ response, body, script, model, stream, markCompleted });

      // An image model asked for images (ADR 072): one PNG part, deterministic from the prompt.
      if (!stream && modalities?.length === 1 && modalities[0] === "IMAGE") {
        markCompleted();
        const png = fakePng(promptText(body)).toString("base64");
        return sendJson(response, 200, {
          ...envelope([{ inlineData: { mimeType: "image/png", data: png } }], 1290, true),
          usageMetadata: {
            promptTokenCount: 10,
            candidatesTokenCount: 1290,
            totalTokenCount: 1300,
            candidatesTokensDetails: [{ modality: "IMAGE", tokenCount: 1290 }],
          },
        });
      }
      if (!stream) {
        markCompleted();
        return sendJson(
          response,
          200,
          envelope(
            [...(chunks.length ? [{ text: chunks.join("") }] : []), ...functionParts],
            usage?.output ?? 0,
            true,
          ),
        );
      }
      if (url.searchParams.get("alt") !== "sse") return fail(400);
      response.writeHead(200, { "content-type": "text/event-stream" });
      let sent = 0;
      for (const text of chunks) {
        if (script.cutAfterChunks !== undefined && sent >= script.cutAfterChunks)
          return void response.destroy();
        if (script.malformedAfterChunks !== undefined && sent >= script.malformedAfterChunks) {
          response.end('data: {"candidates": [{"content": \n\n');
          return;
        }
        await sleep(script.chunkDelayMs);
        sent++;
        await writeEvent(
          response,
          JSON.stringify(envelope([{ text }], Math.min(sent, usage?.output ?? 0), false)),
        );
      }
      await sleep(script.chunkDelayMs);
      // The last chunk carries the function calls (Gemini sends them whole) and the finish reason;
      // a chat that asked for images (ADR 073) its image too, counted apart in the usage.
      const last = envelope(functionParts, usage?.output ?? 0, true);
      if (modalities?.includes("IMAGE") && usage) {
        const png = fakePng(promptText(body)).toString("base64");
        last.candidates[0]!.content.parts.push({
          inlineData: { mimeType: "image/png", data: png },
        });
        const text = usageMetadata(usage, usage.output);
        Object.assign(last, {
          usageMetadata: {
            ...text,
            candidatesTokenCount: text.candidatesTokenCount + CHAT_IMAGE_TOKENS,
            totalTokenCount: text.totalTokenCount + CHAT_IMAGE_TOKENS,
            candidatesTokensDetails: [
              { modality: "TEXT", tokenCount: text.candidatesTokenCount },
              { modality: "IMAGE", tokenCount: CHAT_IMAGE_TOKENS },
            ],
            ...script.usageOverride,
          },
        });
      }
      await writeEvent(response, JSON.stringify(last));
      markCompleted();
      response.end();
    },
  });
}

const PCM_MIME_TYPE = "audio/L16;codec=pcm;rate=24000";

/**
 * A TTS model asked for audio (ADR 075): the prompt's speech as PCM, a chunk an event
 * (streamed) or all in one answer, with usage as Gemini counts it: 25 audio tokens a
 * second, all of the output AUDIO. The script's chunkDelayMs, cutAfterChunks, usage
 * "omit" and usageOverride apply.
 */
async function speak(context: {
  response: ServerResponse;
  body: unknown;
  script: FakeScript;
  model: string;
  stream: boolean;
  markCompleted(): void;
}) {
  const { response, body, script, model, stream } = context;
  const text = promptText(body);
  const chunks = fakeGeminiSpeech(text);
  const promptTokenCount = Math.ceil(text.length / 4);
  const envelope = (pcm: Buffer[], audioChunksSoFar: number, finished: boolean) => {
    const audioTokens = audioChunksSoFar * FAKE_GEMINI_TOKENS_PER_CHUNK;
    return {
      candidates: [
        {
          content: {
            parts: pcm.map((data) => ({
              inlineData: { mimeType: PCM_MIME_TYPE, data: data.toString("base64") },
            })),
            role: "model",
          },
          ...(finished ? { finishReason: "STOP" } : {}),
          index: 0,
        },
      ],
      ...(script.usage === "omit"
        ? {}
        : {
            usageMetadata: {
              promptTokenCount,
              candidatesTokenCount: audioTokens,
              totalTokenCount: promptTokenCount + audioTokens,
              promptTokensDetails: [{ modality: "TEXT", tokenCount: promptTokenCount }],
              candidatesTokensDetails: [{ modality: "AUDIO", tokenCount: audioTokens }],
              ...script.usageOverride,
            },
          }),
      modelVersion: model,
    };
  };
  if (!stream) {
    context.markCompleted();
    return sendJson(response, 200, envelope([Buffer.concat(chunks)], chunks.length, true));
  }
  response.writeHead(200, { "content-type": "text/event-stream" });
  for (const [i, pcm] of chunks.entries()) {
    if (script.cutAfterChunks !== undefined && i >= script.cutAfterChunks)
      return void response.destroy();
    await sleep(script.chunkDelayMs);
    if (response.destroyed) return;
    const last = i === chunks.length - 1;
    await writeEvent(response, JSON.stringify(envelope([pcm], i + 1, last)));
  }
  context.markCompleted();
  response.end();
}

/** The prompt's text, for an image that depends on it. */
function promptText(body: unknown) {
  const contents = (body as { contents?: { parts?: { text?: string }[] }[] }).contents ?? [];
  return contents
    .flatMap((content) => content.parts ?? [])
    .map((part) => part.text ?? "")
    .join("");
}
