import { costPer, settleMedia } from "../../../billing/media-charge.server.ts";
import { errorResponse } from "../../../http/gateway-error.ts";
import { readJsonBody } from "../../../http/read-json-body.server.ts";
import { openAIChat } from "../../../protocols/openai/openai-protocol.ts";
import { microToCredits } from "../../../utils/money.ts";
import { authenticate } from "../../authenticate.server.ts";
import type { Gateway } from "../../gateway.server.ts";
import { reserveAmount, runBilled, type Endpoint } from "../../pipeline.server.ts";
import { errorCodeOf, toGatewayError } from "../../upstream-failure.ts";
import { callRoutes, dearest, mediaRoutes } from "../media/media-routes.server.ts";
import { parseSpeechRequest } from "./speech-request.ts";

const SPEECH: Endpoint = { error: errorResponse, failed: "speech failed" };
const MILLION = 1_000_000n;

/**
 * POST /v1/audio/speech (ADR 072): priced per 1M characters of the input, which the
 * gateway counts (as the provider does) before asking: the hold is the whole charge. Once
 * a provider accepts, the request is settled and its audio streams to the client as it
 * comes; a provider bills a text it accepted, whether or not the client hears all of it.
 */
export function handleSpeech(gateway: Gateway, request: Request): Promise<Response> {
  return runBilled(gateway, request, SPEECH, async (run) => {
    const { requestId, started, endpoint, headers } = run;
    const key = await authenticate(gateway, openAIChat, openAIChat.headerKey(request));
    const input = parseSpeechRequest(await readJsonBody(request));
    const { model, routes } = await mediaRoutes(gateway, key, input.model, {
      noun: "speech",
      priced: (route) => route.media?.prices.character !== undefined,
      can: (adapter) => adapter.speak !== undefined,
    });
    // Characters as the provider counts them: code points, not UTF-16 units.
    const characters = [...input.input].length;
    const held = dearest(routes.map((route) => route.media!.prices.character!));
    Object.assign(headers, await gateway.limits.admit(key));
    const hold = await reserveAmount(gateway, run, key, costPer(characters, held, MILLION));
    const outcome = await callRoutes(gateway, routes, request.signal, (adapter, route, signal) =>
      adapter.speak!({
        upstreamModel: route.upstreamModel,
        input: input.input,
        voice: input.voice,
        format: input.format,
        speed: input.speed,
        instructions: input.instructions,
        // The audio streams after the answer, when the watchdog has stopped: the client's leaving stops it then.
        signal: AbortSignal.any([request.signal, signal]),
      }),
    );
    const route = outcome?.route ?? routes[0]!;
    const accepted = outcome?.ok ? outcome.value : undefined;
    const price = route.media!.prices.character!;
    const units = accepted ? characters : 0;
    const settled = await settleMedia(
      gateway.ledger,
      gateway.log,
      {
        requestId,
        key,
        model: model.slug,
        endpoint,
        stream: true,
        started,
        heldAmount: hold.amount,
      },
      route,
      {
        unit: "character",
        units,
        unitPrice: price,
        cost: costPer(units, price, MILLION),
        providerCost: costPer(units, route.media!.costPrices.character!, MILLION),
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
