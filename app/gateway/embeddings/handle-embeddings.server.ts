import { countTextTokens } from "../../billing/estimate-usage.server.ts";
import { REFUSED_USAGE, usageProblems } from "../../billing/reported-usage.ts";
import { memberOf } from "../../billing/reservations.ts";
import { settleOrRetry } from "../../billing/settle-or-retry.server.ts";
import { isDatabaseUnavailable } from "../../db/database-unavailable.server.ts";
import {
  DATABASE_UNAVAILABLE,
  errorResponse,
  GatewayError,
  INTERNAL_ERROR,
  invalidRequest,
} from "../../http/gateway-error.ts";
import { TRUSTED_REQUEST_ID } from "../../http/client-stamp.server.ts";
import { readJsonBody } from "../../http/read-json-body.server.ts";
import { costOfTokens } from "../../utils/money.ts";
import { authenticate, checkModelsAllowed } from "../authenticate.server.ts";
import {
  modelsListingFor,
  notConfigured,
  requireModel,
  servedByAnyKey,
} from "../route-choice.server.ts";
import { routesWithOwnKeys } from "../own-key-routes.server.ts";
import type { RouteOption } from "../../catalog/catalog-cache.server.ts";
import { errorCodeOf, toGatewayError } from "../completion-run.server.ts";
import type { Gateway } from "../gateway.server.ts";
import { holdRefusedError } from "../hold-refusal.server.ts";
import { EMPTY_USAGE } from "../../llm/parts.ts";
import { openAIChat } from "../../protocols/openai/openai-protocol.ts";
import { UpstreamError, type Embeddings } from "../../providers/adapter.ts";
import { nextRequestId } from "../request-id.ts";
import { UpstreamWatchdog } from "../upstream-watchdog.ts";
import { parseEmbeddingsRequest, type EmbeddingsRequest } from "./embeddings-request.ts";
import {
  renderEmbeddings,
  renderOpenRouterEmbeddings,
  type EmbeddingsAnswer,
} from "./render-embeddings.ts";
import { openRouterErrorResponse } from "../../protocols/openrouter/openrouter-error.ts";

/** OpenAI's embeddings (/v1/embeddings), or OpenRouter's (/api/v1/embeddings): what differs. */
export interface EmbeddingsFace {
  render: (answer: EmbeddingsAnswer) => unknown;
  error: (error: GatewayError, headers?: HeadersInit) => Response;
  /** Answers name the model by its OpenRouter id. */
  openRouterIds: boolean;
}

export const OPENAI_EMBEDDINGS: EmbeddingsFace = {
  render: renderEmbeddings,
  error: errorResponse,
  openRouterIds: false,
};

export const OPENROUTER_EMBEDDINGS: EmbeddingsFace = {
  render: renderOpenRouterEmbeddings,
  error: openRouterErrorResponse,
  openRouterIds: true,
};

/**
 * POST /v1/embeddings and /api/v1/embeddings: the key check, hold and
 * settlement of a completion, for an answer that costs input tokens only. The
 * hold covers the inputs' byte length at the dearest route's input price (a
 * byte is at least a token).
 */
export async function handleEmbeddings(
  gateway: Gateway,
  request: Request,
  face: EmbeddingsFace = OPENAI_EMBEDDINGS,
): Promise<Response> {
  const requestId = request.headers.get(TRUSTED_REQUEST_ID) ?? nextRequestId();
  const started = performance.now();
  const endpoint = new URL(request.url).pathname;
  const headers: Record<string, string> = {
    "x-request-id": requestId,
    "x-generation-id": requestId,
  };
  try {
    const key = await authenticate(gateway, openAIChat, openAIChat.headerKey(request));
    const input = parseEmbeddingsRequest(await readJsonBody(request));
    const { model } = await requireModel(gateway, input.model, modelsListingFor(endpoint));
    checkModelsAllowed(key, [model.slug]);
    const [routes] = (await routesWithOwnKeys(
      gateway,
      key.userId,
      [model.routes],
      (adapter) => adapter.embed !== undefined,
    )) as [RouteOption[]];
    if (routes.length === 0 && !(await servedByAnyKey(gateway, key.userId, model.routes)))
      throw await notConfigured(gateway, model.slug, model.routes);
    if (routes.length === 0)
      throw invalidRequest(
        `'${model.slug}' is not an embeddings model`,
        "model",
        "model_not_embedding",
      );

    const bound = input.inputs.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    const inputCost = routes.reduce((max, route) => {
      const cost = costOfTokens(bound, route.prices.input);
      return cost > max ? cost : max;
    }, 0n);
    Object.assign(headers, await gateway.limits.admit(key));
    const hold = await gateway.ledger.reserve({
      userId: key.userId,
      apiKeyId: key.id,
      memberId: memberOf(key),
      requestId,
      inputCost,
      outputPrice: 0n,
      requestedTokens: 1,
      modelMaxTokens: Math.max(1, model.maxOutputTokens),
    });
    if (!hold.ok) throw holdRefusedError(hold, undefined);

    let route = routes[0]!;
    let answer: Embeddings | undefined;
    let failure: unknown;
    const upstreams = await gateway.providers.upstreams();
    for (const [i, candidate] of routes.entries()) {
      route = candidate;
      // As for completions: a provider whose circuit is open is skipped unless it is the last
      // route; a user's own key says nothing of the provider's health.
      const circuit = route.ownKey ? undefined : route.providerSlug;
      if (circuit && !gateway.breaker.allows(circuit) && i < routes.length - 1) continue;
      // One whole answer: it must come within the provider's answer limit, else the next route is tried.
      const watchdog = new UpstreamWatchdog(
        request.signal,
        upstreams.timeoutsOf(route.providerSlug),
        route.providerSlug,
        { wholeAnswer: true, wholeUpstream: true },
      );
      try {
        const adapter = route.ownKey ?? upstreams.adapters.get(route.providerSlug)!;
        answer = await adapter.embed!({
          upstreamModel: route.upstreamModel,
          inputs: input.inputs,
          dimensions: input.dimensions,
          signal: watchdog.signal,
        });
        watchdog.stop();
        if (circuit) gateway.breaker.report(circuit, undefined, false);
        break;
      } catch (caught) {
        watchdog.stop();
        const error = watchdog.explain(caught);
        failure = error;
        if (circuit) gateway.breaker.report(circuit, error, request.signal.aborted);
        if (!(error instanceof UpstreamError) || !error.retryable || request.signal.aborted) break;
      }
    }
    const settled = await settle(gateway, {
      requestId,
      started,
      key,
      model: model.slug,
      endpoint,
      route,
      input,
      inputBound: bound,
      answer,
      heldAmount: hold.amount,
      failure,
    });
    gateway.limits.spendTokens(key, settled.inputTokens);
    if (!answer) throw toGatewayError(failure);
    return Response.json(
      face.render({
        requestId,
        model: face.openRouterIds ? model.openRouterId : model.slug,
        vectors: answer.vectors,
        inputTokens: settled.inputTokens,
        cost: settled.cost,
        byok: route.ownKey !== undefined,
        base64: input.encoding_format === "base64",
      }),
      { headers },
    );
  } catch (caught) {
    const error = isDatabaseUnavailable(caught) ? DATABASE_UNAVAILABLE : caught;
    if (error instanceof GatewayError) {
      gateway.metrics.answeredWithError(error.status, error.code);
      return face.error(error, { ...headers, ...error.headers });
    }
    gateway.log.error({ err: error, requestId }, "embeddings request failed");
    return face.error(INTERNAL_ERROR, headers);
  }
}

/** The provider's input count if it can be believed (usageProblems), else undefined: we count. */
function believedInputTokens(
  gateway: Gateway,
  run: { requestId: string; route: RouteOption; inputBound: number },
  reported: number | undefined,
) {
  if (reported === undefined) return undefined;
  const usage = { ...EMPTY_USAGE, inputTokens: reported };
  const problems = usageProblems(usage, { inputTokens: run.inputBound, outputTokens: 0 });
  if (problems.length === 0) return reported;
  gateway.log.warn(
    { requestId: run.requestId, provider: run.route.providerSlug, problems },
    REFUSED_USAGE,
  );
  return undefined;
}

/** Books the request once: its input tokens (the provider's count, else ours), at most the hold. */
async function settle(
  gateway: Gateway,
  run: {
    requestId: string;
    started: number;
    key: { id: string; userId: string; prefix: string };
    model: string;
    /** The path it came to (/v1/embeddings, /api/v1/embeddings). */
    endpoint: string;
    route: RouteOption;
    input: EmbeddingsRequest;
    /** The most input tokens the request can hold (its hold was sized by it). */
    inputBound: number;
    answer: Embeddings | undefined;
    heldAmount: bigint;
    failure: unknown;
  },
) {
  const { answer, route } = run;
  const reported = believedInputTokens(gateway, run, answer?.inputTokens);
  const inputTokens = !answer ? 0 : (reported ?? (await countTextTokens(run.input.inputs)));
  const fullCost = costOfTokens(inputTokens, route.prices.input);
  const capped = fullCost > run.heldAmount;
  const cost = capped ? run.heldAmount : fullCost;
  const latencyMs = Math.round(performance.now() - run.started);
  const status = answer ? "SUCCESS" : "ERROR";
  const errorCode = errorCodeOf(run.failure);
  await settleOrRetry(gateway.ledger, gateway.log, {
    requestId: run.requestId,
    userId: run.key.userId,
    apiKeyId: run.key.id,
    mappingId: route.mappingId,
    modelSlug: run.model,
    providerSlug: route.providerSlug,
    upstreamModel: route.upstreamModel,
    endpoint: run.endpoint,
    stream: false,
    status,
    finishReason: null,
    errorCode: answer ? null : errorCode,
    usage: { ...EMPTY_USAGE, inputTokens },
    usageSource: capped ? "CAPPED" : reported === undefined ? "ESTIMATED" : "REPORTED",
    cost,
    prices: route.prices,
    byok: route.ownKey !== undefined,
    latencyMs,
    timeToFirstTokenMs: null,
  });
  gateway.metrics.settled({
    model: run.model,
    provider: route.providerSlug,
    status,
    seconds: latencyMs / 1000,
    firstTokenSeconds: null,
    inputTokens,
    cachedInputTokens: 0,
    outputTokens: 0,
    credits: Number(cost) / 1e6,
  });
  if (gateway.log.isLevelEnabled("info"))
    gateway.log.info(
      {
        requestId: run.requestId,
        key: run.key.prefix,
        model: run.model,
        provider: route.providerSlug,
        status,
        error: answer ? undefined : errorCode,
        inputTokens,
        cost: cost.toString(),
        latencyMs,
      },
      "embeddings",
    );
  return { inputTokens, cost };
}
