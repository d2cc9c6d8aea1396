import type { RouteOption } from "../../../catalog/catalog-cache.server.ts";
import { invalidRequest } from "../../../http/gateway-error.ts";
import type { TranscriptionRequest } from "./transcription-request.ts";

// Which of a transcription model's routes can serve what the client asked (ADR 074). A model
// priced by tokens (gpt-4o-transcribe) answers json or text and can stream its events; one
// priced per minute (whisper-1) answers every format, with timestamps, and does not stream.
// @see https://platform.openai.com/docs/api-reference/audio/createTranscription

/** The formats a model priced by tokens answers, as OpenAI's own do. */
const TOKEN_MODEL_FORMATS = new Set(["json", "text"]);

const byTokens = (route: RouteOption) => route.prices.modality?.audio_input_token !== undefined;

/** The routes that can answer `input`, or the 400 naming the field none of them takes. */
export function routesFor(
  model: string,
  input: Pick<TranscriptionRequest, "stream" | "responseFormat" | "timestampGranularities">,
  routes: RouteOption[],
): RouteOption[] {
  if (input.stream) {
    const streamed = routes.filter(byTokens);
    if (streamed.length === 0)
      throw invalidRequest(
        `'${model}' does not stream transcriptions: stream=true is for the models priced by tokens (gpt-4o-transcribe, gpt-4o-mini-transcribe); leave out stream`,
        "stream",
      );
    routes = streamed;
  }
  if (input.timestampGranularities) {
    routes = routes.filter((route) => !byTokens(route));
    if (routes.length === 0)
      throw invalidRequest(
        `'${model}' does not answer timestamp_granularities: leave it out`,
        "timestamp_granularities",
      );
  }
  if (!TOKEN_MODEL_FORMATS.has(input.responseFormat)) {
    routes = routes.filter((route) => !byTokens(route));
    if (routes.length === 0)
      throw invalidRequest(
        `'${model}' answers response_format json or text, not ${input.responseFormat}`,
        "response_format",
      );
  }
  return routes;
}
