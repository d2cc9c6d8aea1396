import { inputTokensUpperBound } from "../billing/input-estimate.ts";
import { maxInputPrice } from "../billing/prices.ts";
import { costOfTokens } from "../utils/money.ts";
import { requestedMaxTokens } from "./chat-request.ts";
import { CompletionRun } from "./completion-run.server.ts";
import {
  DATABASE_UNAVAILABLE,
  errorResponse,
  GatewayError,
  invalidRequest,
} from "../http/gateway-error.ts";
import type { Gateway } from "./gateway.server.ts";
import { parseChatRequest, type RequestFormat } from "./parse-chat-request.server.ts";
import { readJsonBody } from "../http/read-json-body.server.ts";
import { nextRequestId } from "./request-id.ts";
import { isDatabaseUnavailable } from "../db/prisma.server.ts";
import { TRUSTED_REQUEST_ID } from "../http/client-stamp.server.ts";

/**
 * POST /v1/chat/completions (format "openai") and POST /completions (format
 * "seed"). The whole request path, top to bottom:
 * parse -> authenticate -> resolve model -> reserve -> provider -> render -> settle.
 */
export async function handleChatCompletion(
  gateway: Gateway,
  request: Request,
  format: RequestFormat,
): Promise<Response> {
  const requestId = request.headers.get(TRUSTED_REQUEST_ID) ?? nextRequestId();
  const started = performance.now();
  const endpoint = pathOf(request.url);
  const trace = gateway.tracing?.startRequest(request, endpoint);
  trace?.set({ "gateway.request_id": requestId });
  try {
    // OpenAI's clients send the key in a header: check it before reading the body.
    // The seed's format may carry it in the body instead.
    const headerKey =
      format === "openai" ? await authenticate(gateway, bearerToken(request)) : undefined;
    const { request: chat, bodyApiKey } = parseChatRequest(await readJsonBody(request), format);
    const key = headerKey ?? (await authenticate(gateway, bearerToken(request) ?? bodyApiKey));
    const model = await gateway.catalog.resolve(chat.model);
    if (!model)
      throw new GatewayError(404, `The model '${chat.model}' does not exist`, {
        type: "not_found_error",
        code: "model_not_found",
        param: "model",
      });
    trace?.set({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": model.slug,
      "gateway.stream": chat.stream === true,
      "gateway.api_key.prefix": key.prefix,
    });
    const routes = model.routes.filter((route) => gateway.adapters[route.providerSlug]);
    if (routes.length === 0) {
      throw new GatewayError(503, `No provider for '${chat.model}' is configured on this gateway`, {
        type: "upstream_error",
        code: "provider_not_configured",
      });
    }
    const requested = requestedMaxTokens(chat);
    if (requested !== undefined && requested > model.maxOutputTokens) {
      throw invalidRequest(
        `max tokens must be at most ${model.maxOutputTokens} for ${model.slug}`,
        "max_completion_tokens",
      );
    }

    // Reserve for the dearest route, so a fallback can never cost more than the hold.
    const inputTokens = inputTokensUpperBound(chat);
    const inputCost = routes.reduce((max, route) => {
      const cost = costOfTokens(inputTokens, maxInputPrice(route.prices));
      return cost > max ? cost : max;
    }, 0n);
    const outputPrice = routes.reduce(
      (max, route) => (route.prices.output > max ? route.prices.output : max),
      0n,
    );
    const reserving = trace?.step("reserve");
    const hold = await gateway.ledger.reserve({
      userId: key.userId,
      apiKeyId: key.id,
      requestId,
      inputCost,
      outputPrice,
      requestedTokens: requested,
      modelMaxTokens: model.maxOutputTokens,
    });
    reserving?.end();
    if (!hold.ok) throw refusal(hold.reason, hold.affordableTokens, requested);

    const run = new CompletionRun(
      gateway,
      {
        requestId,
        started,
        chat,
        model,
        format,
        key,
        endpoint,
        heldAmount: hold.amount,
        trace,
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
      return errorResponse(error, { "x-request-id": requestId });
    }
    gateway.metrics.answeredWithError(500, "internal_error");
    trace?.end(500, "internal_error");
    gateway.log.error({ err: error, requestId }, "gateway request failed");
    return errorResponse(new GatewayError(500, "Internal error", { type: "server_error" }), {
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

function bearerToken(request: Request) {
  return (
    request.headers
      .get("authorization")
      ?.match(/^Bearer\s+(.+)$/i)?.[1]
      ?.trim() || undefined
  );
}

async function authenticate(gateway: Gateway, secret: string | undefined) {
  if (!secret) {
    throw new GatewayError(401, "Missing API key: send it as 'Authorization: Bearer <key>'", {
      type: "authentication_error",
      code: "missing_api_key",
    });
  }
  const key = await gateway.keys.lookup(secret);
  if (!key) throw invalidKey();
  return key;
}

const invalidKey = () =>
  new GatewayError(401, "Invalid API key, or the key is disabled or deleted", {
    type: "authentication_error",
    code: "invalid_api_key",
  });

function refusal(
  reason: "insufficient_credits" | "key_limit" | "key_inactive",
  affordable: number,
  requested: number | undefined,
) {
  if (reason === "key_inactive") return invalidKey();
  const detail =
    requested === undefined
      ? "it cannot pay for a single output token"
      : `it affords at most ${Math.max(0, affordable)} output tokens, ${requested} were requested`;
  if (reason === "key_limit") {
    return new GatewayError(403, `This API key has reached its credit limit: ${detail}`, {
      type: "permission_error",
      code: "key_credit_limit_reached",
    });
  }
  return new GatewayError(402, `Insufficient credits: ${detail}. Add credits in the dashboard.`, {
    type: "insufficient_credits",
    code: "insufficient_credits",
  });
}
