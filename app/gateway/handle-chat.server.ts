import { holdPrices } from "../billing/hold-prices.ts";
import { memberOf } from "../billing/reservations.ts";
import { requestedMaxTokens } from "../llm/chat-request.ts";
import { CompletionRun } from "./completion-run.server.ts";
import { DATABASE_UNAVAILABLE, GatewayError, INTERNAL_ERROR } from "../http/gateway-error.ts";
import type { Gateway } from "./gateway.server.ts";
import type { ClientProtocol } from "../protocols/client-protocol.ts";
import { chooseRoutes, modelsListingFor } from "./route-choice.server.ts";
import { authenticate, checkModelsAllowed } from "./authenticate.server.ts";
import { holdRefusedError } from "./hold-refusal.server.ts";
import { readJsonBody } from "../http/read-json-body.server.ts";
import { nextRequestId } from "./request-id.ts";
import { isDatabaseUnavailable } from "../db/database-unavailable.server.ts";
import { TRUSTED_REQUEST_ID } from "../http/client-stamp.server.ts";
import { conversationKeeper, resumeConversation } from "./response-store.server.ts";

/**
 * POST /v1/chat/completions, /completions, /v1/messages and /v1/responses,
 * each in its client protocol. The whole request path, top to bottom:
 * parse -> authenticate -> (earlier turns) -> resolve model -> reserve -> provider -> render -> settle (-> store).
 */
export async function handleChatCompletion(
  gateway: Gateway,
  request: Request,
  protocol: ClientProtocol,
): Promise<Response> {
  const requestId = request.headers.get(TRUSTED_REQUEST_ID) ?? nextRequestId();
  const started = performance.now();
  const endpoint = pathOf(request.url);
  const trace = gateway.tracing?.startRequest(request, endpoint);
  trace?.set({ "gateway.request_id": requestId });
  try {
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
    const chat = continuation
      ? await resumeConversation(gateway.prisma, key, continuation, parsed.request)
      : parsed.request;
    const asked = requestedMaxTokens(chat);
    const { model, routes, maxOutputTokens } = await chooseRoutes(
      gateway,
      chat,
      protocol.lowersMaxTokens ? undefined : asked,
      protocol.maxTokensParam,
      key.userId,
      modelsListingFor(endpoint),
    );
    const requested = asked === undefined ? undefined : Math.min(asked, maxOutputTokens);
    checkModelsAllowed(key, [model.slug]);
    checkModelsAllowed(key, [...new Set(routes.map((route) => route.modelSlug))], "models");
    const rateHeaders = await gateway.limits.admit(key);
    trace?.set({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": model.slug,
      "gateway.stream": chat.stream === true,
      "gateway.api_key.prefix": key.prefix,
    });

    const { inputCost, outputPrice } = holdPrices(chat, routes);
    const reserving = trace?.step("reserve");
    const hold = await gateway.ledger.reserve({
      userId: key.userId,
      apiKeyId: key.id,
      memberId: memberOf(key),
      requestId,
      inputCost,
      outputPrice,
      requestedTokens: requested,
      modelMaxTokens: maxOutputTokens,
    });
    reserving?.end();
    if (!hold.ok) throw holdRefusedError(hold, requested);

    const run = new CompletionRun(
      gateway,
      {
        requestId,
        started,
        chat,
        native: parsed.native,
        ignoredTools: parsed.ignoredTools,
        rateHeaders,
        format: parsed.format ?? protocol.format,
        openRouterIds: protocol.openRouterIds,
        key,
        endpoint,
        heldAmount: hold.amount,
        trace,
        afterSuccess:
          continuation && conversationKeeper(gateway, key, requestId, continuation, chat),
      },
      routes,
    );
    const response = await run.start(
      routes,
      hold.grantedTokens,
      request.signal,
      requested === undefined,
    );
    // A stream is answered before it is settled: its trace ends with the settlement.
    if (trace) void run.whenSettled().then(() => trace.end(response.status));
    return response;
  } catch (caught) {
    const error = isDatabaseUnavailable(caught) ? DATABASE_UNAVAILABLE : caught;
    if (error instanceof GatewayError) {
      gateway.metrics.answeredWithError(error.status, error.code);
      // A run throws only once it has settled: the request's trace can end here.
      trace?.end(error.status, error.code ?? error.type);
      gateway.log.info(
        { requestId, status: error.status, error: error.code },
        "completion answered with an error",
      );
      return protocol.format.error(error, { "x-request-id": requestId, ...error.headers });
    }
    gateway.metrics.answeredWithError(500, "internal_error");
    trace?.end(500, "internal_error");
    gateway.log.error({ err: error, requestId }, "gateway request failed");
    return protocol.format.error(INTERNAL_ERROR, {
      "x-request-id": requestId,
    });
  }
}

/** The path of an absolute URL, without parsing all of it. */
function pathOf(url: string) {
  const path = url.slice(url.indexOf("/", url.indexOf("//") + 2));
  const query = path.search(/[?#]/);
  return query === -1 ? path : path.slice(0, query);
}
