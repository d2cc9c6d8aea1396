import { costPer, settleMedia } from "../../../billing/media-charge.server.ts";
import { errorResponse } from "../../../http/gateway-error.ts";
import { openAIChat } from "../../../protocols/openai/openai-protocol.ts";
import { microToCredits } from "../../../utils/money.ts";
import { authenticate } from "../../authenticate.server.ts";
import type { Gateway } from "../../gateway.server.ts";
import { reserveAmount, runBilled, type Endpoint } from "../../pipeline.server.ts";
import { errorCodeOf, toGatewayError } from "../../upstream-failure.ts";
import { callRoutes, dearest, mediaRoutes } from "../media/media-routes.server.ts";
import { wavDuration } from "../../../utils/audio-formats.ts";
import { renderTranscription } from "./render-transcription.ts";
import { parseTranscriptionRequest } from "./transcription-request.ts";

const TRANSCRIPTIONS: Endpoint = { error: errorResponse, failed: "transcription failed" };
const SECONDS_PER_MINUTE = 60n;
/** The fewest bytes a second of compressed speech takes (8 kbit/s): what bounds an upload's length. */
const MIN_BYTES_PER_SECOND = 1_000;

/**
 * POST /v1/audio/transcriptions and /translations (ADR 072): priced per minute of audio,
 * billed by the second.
 * The hold is the upload's most possible length (a WAV's from its header, else at 8 kbit/s);
 * the charge is the seconds the provider reports (REPORTED), else the WAV's own length or
 * that bound (ESTIMATED), never more than the hold.
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
    const { model, routes } = await mediaRoutes(gateway, key, input.model, {
      noun: translate ? "translations" : "transcriptions",
      priced: (route) => route.media?.prices.minute !== undefined,
      can: (adapter) => adapter.transcribe !== undefined,
    });
    const measured = input.format === "wav" ? wavDuration(input.bytes) : undefined;
    const bound = Math.max(1, Math.ceil(measured ?? input.bytes.length / MIN_BYTES_PER_SECOND));
    const held = dearest(routes.map((route) => route.media!.prices.minute!));
    Object.assign(headers, await gateway.limits.admit(key));
    const hold = await reserveAmount(gateway, run, key, costPer(bound, held, SECONDS_PER_MINUTE));
    const outcome = await callRoutes(gateway, routes, request.signal, (adapter, route, signal) =>
      adapter.transcribe!({
        upstreamModel: route.upstreamModel,
        file: input.file,
        language: input.language,
        prompt: input.prompt,
        temperature: input.temperature,
        timestampGranularities: input.timestampGranularities,
        translate,
        signal,
      }),
    );
    const route = outcome?.route ?? routes[0]!;
    const answer = outcome?.ok ? outcome.value : undefined;
    const reported = answer?.seconds;
    const seconds = !answer ? 0 : Math.ceil(reported ?? measured ?? bound);
    const settled = await settleMedia(
      gateway.ledger,
      gateway.log,
      {
        requestId,
        key,
        model: model.slug,
        endpoint,
        stream: false,
        started,
        heldAmount: hold.amount,
      },
      route,
      {
        unit: "second",
        units: seconds,
        unitPrice: route.media!.prices.minute!,
        cost: costPer(seconds, route.media!.prices.minute!, SECONDS_PER_MINUTE),
        providerCost: costPer(seconds, route.media!.costPrices.minute!, SECONDS_PER_MINUTE),
        usageSource: reported === undefined ? "ESTIMATED" : "REPORTED",
      },
      {
        status: answer ? "SUCCESS" : "ERROR",
        errorCode: answer ? null : errorCodeOf(outcome?.ok ? undefined : outcome?.error),
      },
    );
    if (!answer) throw toGatewayError(outcome?.ok ? undefined : outcome?.error);
    return renderTranscription(answer, input.responseFormat, seconds, {
      ...headers,
      "x-gateway-cost-credits": microToCredits(settled.cost),
    });
  });
}
