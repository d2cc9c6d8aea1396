import { costPer, settleMedia } from "../../../billing/media-charge.server.ts";
import {
  audioTokenPrice,
  settleTranscriptionTokens,
  transcriptionHold,
  type TranscribedAudio,
} from "../../../billing/transcription-charge.server.ts";
import { errorResponse } from "../../../http/gateway-error.ts";
import { MIN_AUDIO_BYTES_PER_SECOND } from "../../../llm/input-estimate.ts";
import { openAIChat } from "../../../protocols/openai/openai-protocol.ts";
import type { TranscriptionCall } from "../../../providers/adapter.ts";
import { wavDuration } from "../../../utils/audio-formats.ts";
import { microToCredits } from "../../../utils/money.ts";
import { authenticate } from "../../authenticate.server.ts";
import type { Gateway } from "../../gateway.server.ts";
import { reserveAmount, runBilled, type Endpoint } from "../../pipeline.server.ts";
import { errorCodeOf, toGatewayError } from "../../upstream-failure.ts";
import type { RouteOption } from "../../../catalog/catalog-cache.server.ts";
import { callRoutes, dearest, mediaRoutes } from "../media/media-routes.server.ts";
import {
  renderTranscription,
  tokensUsage,
  type TranscriptionUsage,
} from "./render-transcription.ts";
import { parseTranscriptionRequest, type TranscriptionRequest } from "./transcription-request.ts";
import { routesFor } from "./transcription-routes.ts";
import { streamTranscript } from "./transcript-stream.server.ts";

const TRANSCRIPTIONS: Endpoint = { error: errorResponse, failed: "transcription failed" };
const SECONDS_PER_MINUTE = 60n;

/**
 * POST /v1/audio/transcriptions and /translations (ADR 072, 074): priced per minute of audio
 * (whisper-1, billed by the second) or per token (gpt-4o-transcribe: audio tokens apart from
 * the prompt's and the transcript's text), which alone may stream the transcript's events.
 * The hold is the most the upload can cost (its longest possible length: a WAV's from its
 * header, else at 8 kbit/s); the charge is what the provider reports (REPORTED), else our own
 * count (ESTIMATED), never more than the hold.
 */
export function handleTranscription(
  gateway: Gateway,
  request: Request,
  /** POST /v1/audio/translations: the speech as English text, billed alike. */
  translate = false,
): Promise<Response> {
  return runBilled(gateway, request, TRANSCRIPTIONS, async (run) => {
    const { requestId, started, endpoint, headers } = run;
    const key = await authenticate(gateway, openAIChat, openAIChat.headerKey(request));
    const input = await parseTranscriptionRequest(request, translate);
    const found = await mediaRoutes(gateway, key, input.model, {
      noun: translate ? "translations" : "transcriptions",
      // OpenAI translates with whisper-1 only; a model priced by tokens answers no chat (ADR 074).
      priced: (route, model) =>
        route.media?.prices.minute !== undefined ||
        (!translate && model.maxOutputTokens === 0 && audioTokenPrice(route) !== undefined),
      can: (adapter) =>
        input.stream ? adapter.streamTranscription !== undefined : adapter.transcribe !== undefined,
    });
    const { model } = found;
    const routes = routesFor(model.slug, input, found.routes);
    const measured = input.format === "wav" ? wavDuration(input.bytes) : undefined;
    const audio: TranscribedAudio = {
      boundSeconds: Math.max(
        1,
        Math.ceil(measured ?? input.bytes.length / MIN_AUDIO_BYTES_PER_SECOND),
      ),
      measuredSeconds: measured,
      prompt: input.prompt,
    };
    Object.assign(headers, await gateway.limits.admit(key));
    const held = dearest(routes.map((route) => transcriptionHold(route, audio)));
    const hold = await reserveAmount(gateway, run, key, held);
    const charged = {
      requestId,
      key,
      model: model.slug,
      endpoint,
      stream: input.stream,
      started,
      heldAmount: hold.amount,
    };
    const callFor = (route: RouteOption, signal: AbortSignal) =>
      transcriptionCall(input, route, translate, signal);
    if (input.stream)
      return streamTranscript(gateway, request, key, charged, routes, audio, callFor, headers);
    const outcome = await callRoutes(gateway, routes, request.signal, (adapter, route, signal) =>
      adapter.transcribe!(callFor(route, signal)),
    );
    const route = outcome?.route ?? routes[0]!;
    const answer = outcome?.ok ? outcome.value : undefined;
    const error = outcome?.ok ? undefined : outcome?.error;
    const ending = {
      status: answer ? "SUCCESS" : request.signal.aborted ? "CANCELLED" : "ERROR",
      errorCode: answer ? null : errorCodeOf(error),
    } as const;
    let cost: bigint;
    let usage: TranscriptionUsage;
    if (audioTokenPrice(route) !== undefined) {
      const bill = await settleTranscriptionTokens(
        gateway.ledger,
        gateway.log,
        charged,
        route,
        audio,
        { accepted: answer !== undefined, transcript: answer?.text ?? "", reported: answer?.usage },
        { ...ending, timeToFirstTokenMs: null },
      );
      cost = bill.cost;
      usage = tokensUsage(bill.usage);
    } else {
      const reported = answer?.seconds;
      const seconds = !answer ? 0 : Math.ceil(reported ?? measured ?? audio.boundSeconds);
      const minute = route.media!.prices.minute!;
      const settled = await settleMedia(
        gateway.ledger,
        gateway.log,
        charged,
        route,
        {
          unit: "second",
          units: seconds,
          unitPrice: minute,
          cost: costPer(seconds, minute, SECONDS_PER_MINUTE),
          providerCost: costPer(seconds, route.media!.costPrices.minute!, SECONDS_PER_MINUTE),
          usageSource: reported === undefined ? "ESTIMATED" : "REPORTED",
        },
        ending,
      );
      cost = settled.cost;
      usage = { type: "duration", seconds };
    }
    if (!answer) throw toGatewayError(error);
    return renderTranscription(answer, input.responseFormat, usage, {
      ...headers,
      "x-gateway-cost-credits": microToCredits(cost),
    });
  });
}

/**
 * The provider's call: a model priced per minute is asked for verbose_json (its duration is
 * the bill), one priced by tokens for json (its usage is; OpenAI documents json as their
 * format), whatever the client asked: the gateway writes that from it.
 */
function transcriptionCall(
  input: TranscriptionRequest,
  route: RouteOption,
  translate: boolean,
  signal: AbortSignal,
): TranscriptionCall {
  return {
    upstreamModel: route.upstreamModel,
    file: input.file,
    answerFormat: audioTokenPrice(route) === undefined ? "verbose_json" : "json",
    language: input.language,
    prompt: input.prompt,
    temperature: input.temperature,
    timestampGranularities: input.timestampGranularities,
    translate,
    signal,
  };
}
