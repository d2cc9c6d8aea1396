import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "./fake-server.ts";
import { sleep, type Scripts } from "./script.ts";

/** Seconds of a WAV upload from its header (a tenth of a second for anything else). */
export function wavSeconds(bytes: Uint8Array) {
  const buffer = Buffer.from(bytes);
  if (buffer.length < 44 || buffer.toString("ascii", 0, 4) !== "RIFF") return 0.1;
  return buffer.readUInt32LE(40) / buffer.readUInt32LE(28);
}

/**
 * OpenAI's POST /v1/audio/transcriptions, as its API answers: json (whisper-1 reports the
 * seconds, the gpt-4o models tokens), text, verbose_json, or the streamed events. The text
 * is the script's (default: a fixed sentence).
 */
export async function transcriptionAnswer(
  request: IncomingMessage,
  response: ServerResponse,
  rawBody: Buffer,
  scripts: Scripts,
  markCompleted: () => void,
) {
  const form = await new Request("http://fake/", {
    method: "POST",
    headers: { "content-type": request.headers["content-type"] ?? "" },
    body: new Uint8Array(rawBody),
  }).formData();
  const model = String(form.get("model") ?? "");
  const file = form.get("file");
  if (!(file instanceof File))
    return sendJson(response, 400, {
      error: {
        message: "file is required",
        type: "invalid_request_error",
        param: "file",
        code: null,
      },
    });
  const script = scripts.next(model);
  await script.heldUntil;
  await sleep(script.firstByteDelayMs);
  if (script.status)
    return sendJson(response, script.status, {
      error: { message: "Failed.", type: "server_error", param: null, code: null },
    });
  const text = script.text ?? "Hello from the fake transcriber.";
  const seconds = Math.round(wavSeconds(new Uint8Array(await file.arrayBuffer())) * 100) / 100;
  const whisper = model.includes("whisper");
  // The gpt-4o models' tokens: 10 audio tokens a second (OpenAI's Realtime rate), the prompt's
  // and the text's a token per 4 characters, so that a test can work them out.
  const audioTokens = Math.ceil(seconds * 10);
  const promptTokens = Math.ceil(String(form.get("prompt") ?? "").length / 4);
  const outputTokens = Math.ceil(text.length / 4);
  const usage =
    script.usage === "omit"
      ? undefined
      : whisper
        ? { type: "duration", seconds: Math.ceil(seconds) }
        : {
            type: "tokens",
            input_tokens: audioTokens + promptTokens,
            input_token_details: { text_tokens: promptTokens, audio_tokens: audioTokens },
            output_tokens: outputTokens,
            total_tokens: audioTokens + promptTokens + outputTokens,
            ...script.usageOverride,
          };
  const format = String(form.get("response_format") ?? "json");
  if (form.get("stream") === "true" && !whisper) {
    // As OpenAI streams them: data lines only, no [DONE] after transcript.text.done.
    response.writeHead(200, { "content-type": "text/event-stream" });
    let sent = 0;
    for (const piece of text.match(/.{1,8}/g) ?? []) {
      if (script.cutAfterChunks !== undefined && sent === script.cutAfterChunks)
        return void response.destroy();
      response.write(
        `data: ${JSON.stringify({ type: "transcript.text.delta", delta: piece })}\n\n`,
      );
      sent += 1;
      await sleep(script.chunkDelayMs);
      if (response.destroyed) return;
    }
    response.write(
      `data: ${JSON.stringify({ type: "transcript.text.done", text, ...(usage ? { usage } : {}) })}\n\n`,
    );
    markCompleted();
    response.end();
    return;
  }
  markCompleted();
  if (format === "text" || format === "srt" || format === "vtt") {
    response.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
    response.end(`${text}\n`);
    return;
  }
  if (format === "verbose_json")
    return sendJson(response, 200, {
      task: "transcribe",
      language: "english",
      duration: seconds,
      text,
      segments: [
        {
          id: 0,
          seek: 0,
          start: 0,
          end: seconds,
          text,
          tokens: [],
          temperature: 0,
          avg_logprob: -0.2,
          compression_ratio: 1,
          no_speech_prob: 0,
        },
      ],
      usage: whisper ? usage : undefined,
    });
  return sendJson(response, 200, { text, usage });
}
