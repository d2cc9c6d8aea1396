import { holdPrices } from "../billing/hold-prices.ts";
import { requestedMaxTokens, wantsImages } from "../llm/chat-request.ts";
import { CompletionRun } from "./completion-run.server.ts";
import type { Gateway } from "./gateway.server.ts";
import type { ClientProtocol } from "../protocols/client-protocol.ts";
import { chooseRoutes, modelsListingFor } from "./route-choice.server.ts";
import { authenticate, checkModelsAllowed } from "./authenticate.server.ts";
import { reserveHold, runBilled, type Endpoint } from "./pipeline.server.ts";
import { readJsonBody } from "../http/read-json-body.server.ts";
import { enforceGuardrails } from "./guardrails.server.ts";
import { hasAudio, routesMakingImages, routesTakingAudio } from "./modality-routes.server.ts";
import { conversationKeeper, resumeConversation } from "./services/response-store.server.ts";

/**
 * POST /v1/chat/completions, /completions, /v1/messages and /v1/responses,
 * each in its client protocol. The whole request path, top to bottom:
 * parse -> authenticate -> (earlier turns) -> resolve model -> reserve -> provider -> render -> settle (-> store).
 */
export function handleChatCompletion(
  gateway: Gateway,
  request: Request,
  protocol: ClientProtocol,
): Promise<Response> {
  return runBilled(gateway, request, completionEndpoint(protocol), async (run) => {
    const { requestId, endpoint, trace } = run;
    // A key sent in a header is checked before the body is read. The seed's
    // format may carry it in the body instead.
    const headerKey = protocol.keyInHeader
      ? await authenticate(gateway, protocol, protocol.headerKey(request))
      : undefined;
    const parsed = protocol.parse(await readJsonBody(request), request);
    const key =
      headerKey ??
      (await authenticate(gateway, protocol, protocol.headerKey(request) ?? parsed.bodyApiKey));
    const { continuation } = parsed;
    const resumed = continuation
      ? await resumeConversation(gateway.prisma, key, continuation, parsed.request)
      : parsed.request;
    const chosen = await chooseRoutes(
      gateway,
      resumed,
      protocol.lowersMaxTokens ? undefined : requestedMaxTokens(resumed),
      protocol.maxTokensParam,
      key.userId,
      modelsListingFor(endpoint),
    );
    const { model, maxOutputTokens } = chosen;
    checkModelsAllowed(key, [model.slug]);
    checkModelsAllowed(key, [...new Set(chosen.routes.map((route) => route.modelSlug))], "models");
    // The key's and its team's guardrails, before anything is held (ADR 067).
    const guarded = key.guardrails
      ? enforceGuardrails(
          key.guardrails,
          { chat: resumed, native: parsed.native, routes: chosen.routes },
          protocol.maxTokensParam,
        )
      : { chat: resumed, native: parsed.native, routes: chosen.routes, redactions: 0 };
    const { chat, native, redactions } = guarded;
    // Audio goes only to providers that take it (ADR 072), images come only from those that make them (ADR 073).
    const hearing = hasAudio(chat)
      ? await routesTakingAudio(gateway, guarded.routes)
      : guarded.routes;
    const routes = wantsImages(chat) ? await routesMakingImages(gateway, hearing) : hearing;
    const asked = requestedMaxTokens(chat);
    const requested = asked === undefined ? undefined : Math.min(asked, maxOutputTokens);
    const rateHeaders = await gateway.limits.admit(key);
    const cache = await gateway.cache.use(
      key,
      request.headers,
      { modelSlug: model.slug, chat, native },
      routes,
    );
    trace?.set({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": model.slug,
      "gateway.stream": chat.stream === true,
      "gateway.api_key.prefix": key.prefix,
    });

    const { inputCost, outputPrice } = holdPrices(chat, routes);
    const hold = await reserveHold(
      gateway,
      run,
      key,
      { inputCost, outputPrice, requestedTokens: requested, modelMaxTokens: maxOutputTokens },
      requested,
    );

    const completion = new CompletionRun(
      gateway,
      {
        requestId,
        started: run.started,
        chat,
        native,
        ignoredTools: parsed.ignoredTools,
        rateHeaders,
        format: parsed.format ?? protocol.format,
        openRouterIds: protocol.openRouterIds,
        key,
        endpoint,
        heldAmount: hold.amount,
        trace,
        cache,
        redactions,
        afterSuccess:
          continuation && conversationKeeper(gateway, key, requestId, continuation, chat),
      },
      routes,
    );
    const response = await completion.start(
      routes,
      hold.grantedTokens,
      request.signal,
      requested === undefined,
    );
    // A stream is answered before it is settled: its trace ends with the settlement.
    if (trace) void completion.whenSettled().then(() => trace.end(response.status));
    return response;
  });
}

/** The completions endpoints answer failures in their client's protocol (one Endpoint per protocol). */
const ENDPOINTS = new WeakMap<ClientProtocol, Endpoint>();

function completionEndpoint(protocol: ClientProtocol): Endpoint {
  let endpoint = ENDPOINTS.get(protocol);
  if (!endpoint) {
    endpoint = {
      error: (error, headers) => protocol.format.error(error, headers),
      failed: "gateway request failed",
      completion: true,
    };
    ENDPOINTS.set(protocol, endpoint);
  }
  return endpoint;
}
