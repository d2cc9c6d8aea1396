import { invalidRequest, type GatewayError } from "../../../http/gateway-error.ts";
import type { SpeechOptions } from "../../../providers/adapter.ts";
import type { SpeechRequest } from "./speech-request.ts";

/** What a provider is asked for: the voice as it spells it, the format, the speed it takes. */
export interface SpeechAsk {
  voice: string;
  format: string;
  speed?: number;
}

/**
 * The request as a provider with these options takes it (ADR 075), or the 400 naming what
 * it cannot do: a voice it does not have, a format it cannot give, a speed. A provider
 * without options (OpenAI) takes the request as it is.
 */
export function fitSpeech(
  request: SpeechRequest,
  options: SpeechOptions | undefined,
  model: string,
): { ok: true; ask: SpeechAsk } | { ok: false; error: GatewayError } {
  if (!options)
    return {
      ok: true,
      ask: { voice: request.voice, format: request.format ?? "mp3", speed: request.speed },
    };
  const voice = options.voices.find((name) => name.toLowerCase() === request.voice.toLowerCase());
  if (!voice)
    return refused(
      `voice '${request.voice}' is not one of ${model}'s voices: ${options.voices.join(", ")}`,
      "voice",
    );
  const format = request.format ?? options.formats[0]!;
  if (!options.formats.includes(format))
    return refused(
      `response_format '${format}' is not one ${model} can give: ${options.formats.join(" or ")}`,
      "response_format",
    );
  // 1 is the default: the speed asked for is the speed it speaks at.
  if (!options.speed && request.speed !== undefined && request.speed !== 1)
    return refused(`speed is not supported by ${model}: leave it out`, "speed");
  return { ok: true, ask: { voice, format } };
}

const refused = (message: string, param: string) => ({
  ok: false as const,
  error: invalidRequest(message, param),
});
