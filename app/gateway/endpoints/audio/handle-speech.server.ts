import { costPer, settleMedia } from "../../../billing/media-charge.server.ts";
import {
  SPEECH_MAX_OUTPUT_TOKENS,
  speechInputTokensBound,
  tokenSpeechHold,
} from "../../../billing/speech-charge.server.ts";
import type { RouteOption } from "../../../catalog/catalog-cache.server.ts";
import { errorResponse } from "../../../http/gateway-error.ts";
import { readJsonBody } from "../../../http/read-json-body.server.ts";
import { openAIChat } from "../../../protocols/openai/openai-protocol.ts";
import { speechPrompt } from "../../../providers/google/gemini-speech.ts";
import { microToCredits } from "../../../utils/money.ts";
import { authenticate } from "../../authenticate.server.ts";
import type { Gateway } from "../../gateway.server.ts";
import { reserveAmount, runBilled, type Endpoint } from "../../pipeline.server.ts";
import { errorCodeOf, toGatewayError } from "../../upstream-failure.ts";
import { callRoutes, dearest, mediaRoutes } from "../media/media-routes.server.ts";
import { fitSpeech, type SpeechAsk } from "./speech-options.ts";
import { SpeechRun } from "./speech-run.server.ts";
import { parseSpeechRequest, type SpeechRequest } from "./speech-request.ts";

const SPEECH: Endpoint = { error: errorResponse, failed: "speech failed" };
const MILLION = 1_000_000n;

/** A route priced per 1M characters of the text (tts-1), not by tokens. */
const perCharacter = (route: RouteOption) => route.media?.prices.character !== undefined;
/** A route priced by tokens, its audio apart (ADR 075: Gemini's TTS models). */
const perToken = (route: RouteOption) => route.prices.modality?.audio_output_token !== undefined;

/**
 * POST /v1/audio/speech. Priced per 1M characters of the input (ADR 072), which the gateway
 * counts (as the provider does) before asking: the hold is the whole charge, settled once
 * a provider accepts (it bills a text it accepted, whether or not the client hears all of
 * it). Or priced by tokens (ADR 075): held for the text and the most audio the model may
 * make, settled from the provider's usage when the audio's stream is over.
 */
export function handleSpeech(gateway: Gateway, request: Request): Promise<Response> {
  return runBilled(gateway, request, SPEECH, async (run) => {
    const { requestId, started, endpoint, headers } = run;
    const key = await authenticate(gateway, openAIChat, openAIChat.headerKey(request));
    const input = parseSpeechRequest(await readJsonBody(request));
    const named = await mediaRoutes(gateway, key, input.model, {
      noun: "speech",
      priced: (route) => perCharacter(route) || perToken(route),
      can: (adapter) => adapter.speak !== undefined,
    });
    const { model } = named;
    const { routes, asks } = await fittingRoutes(gateway, named.routes, input, model.slug);
    // Characters as the provider counts them: code points, not UTF-16 units.
    const characters = [...input.input].length;
    const prompt = speechPrompt(input.input, input.instructions);
    const held = dearest(
      routes.map((route) =>
        perCharacter(route)
          ? costPer(characters, route.media!.prices.character!, MILLION)
          : tokenSpeechHold(route.prices, speechInputTokensBound(prompt)),
      ),
    );
    Object.assign(headers, await gateway.limits.admit(key));
    const hold = await reserveAmount(gateway, run, key, held);
    const outcome = await callRoutes(gateway, routes, request.signal, (adapter, route, signal) =>
      adapter.speak!({
        upstreamModel: route.upstreamModel,
        input: input.input,
        ...asks.get(route)!,
        instructions: input.instructions,
        // The audio streams after the answer, when the watchdog has stopped: the client's leaving stops it then.
        signal: AbortSignal.any([request.signal, signal]),
      }),
    );
    const route = outcome?.route ?? routes[0]!;
    const accepted = outcome?.ok ? outcome.value : undefined;
    const charged = {
      requestId,
      key,
      model: model.slug,
      endpoint,
      stream: true,
      started,
      heldAmount: hold.amount,
    };
    if (accepted && perToken(route)) {
      // Billed by tokens: settled when the audio's stream is over, its progress recorded as it
      // goes. A provider that would not say what it made is charged the most it may make.
      const run = new SpeechRun(
        gateway,
        key,
        { ...charged, prompt },
        route,
        accepted,
        request.signal,
        { reported: undefined, audioTokens: SPEECH_MAX_OUTPUT_TOKENS, finished: true },
      );
      return new Response(run.body(), {
        headers: { ...headers, "Content-Type": accepted.contentType },
      });
    }
    const units = accepted && perCharacter(route) ? characters : 0;
    const price = perCharacter(route)
      ? route.media!.prices.character!
      : route.prices.modality!.audio_output_token!;
    const settled = await settleMedia(
      gateway.ledger,
      gateway.log,
      charged,
      route,
      {
        unit: perCharacter(route) ? "character" : "audio_output_token",
        units,
        unitPrice: price,
        cost: costPer(units, price, MILLION),
        providerCost: units ? costPer(units, route.media!.costPrices.character!, MILLION) : 0n,
        // Counted by the gateway, exactly as the provider counts them.
        usageSource: "ESTIMATED",
      },
      {
        status: accepted ? "SUCCESS" : "ERROR",
        errorCode: accepted ? null : errorCodeOf(outcome?.ok ? undefined : outcome?.error),
      },
    );
    if (!accepted) throw toGatewayError(outcome?.ok ? undefined : outcome?.error);
    return new Response(accepted.body, {
      headers: {
        ...headers,
        "Content-Type": accepted.contentType,
        "x-gateway-cost-credits": microToCredits(settled.cost),
      },
    });
  });
}

/**
 * The named model's routes whose provider can give what the request asks (voice, format,
 * speed: ADR 075), each with what it is asked for; none: the first one's 400, before
 * anything is held.
 */
async function fittingRoutes(
  gateway: Gateway,
  candidates: RouteOption[],
  input: SpeechRequest,
  model: string,
) {
  const { adapters } = await gateway.providers.upstreams();
  const fits = candidates.map((route) => ({
    route,
    fit: fitSpeech(input, (route.ownKey ?? adapters.get(route.providerSlug))?.speechOptions, model),
  }));
  const asks = new Map<RouteOption, SpeechAsk>();
  for (const { route, fit } of fits) if (fit.ok) asks.set(route, fit.ask);
  const first = fits[0]!.fit;
  if (asks.size === 0 && !first.ok) throw first.error;
  return { routes: [...asks.keys()], asks };
}
