import { settleEmbeddings } from "../../../billing/embeddings-charge.server.ts";
import { recordSettledEmbeddings } from "../../../observability/request-telemetry.server.ts";
import { errorResponse, invalidRequest } from "../../../http/gateway-error.ts";
import { reserveHold, runBilled, type Endpoint } from "../../pipeline.server.ts";
import { readJsonBody } from "../../../http/read-json-body.server.ts";
import { costOfTokens } from "../../../utils/money.ts";
import { authenticate, checkModelsAllowed } from "../../authenticate.server.ts";
import {
  modelsListingFor,
  notConfigured,
  requireModel,
  servedByAnyKey,
} from "../../route-choice.server.ts";
import { routesWithOwnKeys } from "../../own-key-routes.server.ts";
import type { RouteOption } from "../../../catalog/catalog-cache.server.ts";
import { errorCodeOf, toGatewayError } from "../../upstream-failure.ts";
import type { Gateway } from "../../gateway.server.ts";
import { openAIChat } from "../../../protocols/openai/openai-protocol.ts";
import { UpstreamError, type Embeddings } from "../../../providers/adapter.ts";
import { tryRoutes } from "../../try-routes.ts";
import { UpstreamWatchdog } from "../../services/upstream-watchdog.ts";
import { parseEmbeddingsRequest } from "./embeddings-request.ts";
import {
  renderEmbeddings,
  renderOpenRouterEmbeddings,
  type EmbeddingsAnswer,
} from "./render-embeddings.ts";
import { openRouterErrorResponse } from "../../../protocols/openrouter/openrouter-error.ts";

/** OpenAI's embeddings (/v1/embeddings), or OpenRouter's (/api/v1/embeddings): what differs. */
export interface EmbeddingsFace extends Endpoint {
  render: (answer: EmbeddingsAnswer) => unknown;
  /** Answers name the model by its OpenRouter id. */
  openRouterIds: boolean;
}

export const OPENAI_EMBEDDINGS: EmbeddingsFace = {
  render: renderEmbeddings,
  error: errorResponse,
  failed: "embeddings request failed",
  openRouterIds: false,
};

export const OPENROUTER_EMBEDDINGS: EmbeddingsFace = {
  render: renderOpenRouterEmbeddings,
  error: openRouterErrorResponse,
  failed: "embeddings request failed",
  openRouterIds: true,
};

/** A route's answer. */
type Embedded = { ok: true; route: RouteOption; embedded: Embeddings };

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
  return runBilled(gateway, request, face, async (run) => {
    const { requestId, started, endpoint, headers } = run;
    headers["x-generation-id"] = requestId;
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
    const hold = await reserveHold(
      gateway,
      run,
      key,
      {
        inputCost,
        outputPrice: 0n,
        requestedTokens: 1,
        modelMaxTokens: Math.max(1, model.maxOutputTokens),
      },
      undefined,
    );

    const upstreams = await gateway.providers.upstreams();
    // As for completions (tryRoutes), with one call per route: a retryable failure goes to the next.
    const outcome = await tryRoutes<Embedded>(
      gateway.breaker,
      routes,
      request.signal,
      async (route) => {
        // One whole answer: it must come within the provider's answer limit, else the next route is tried.
        const watchdog = new UpstreamWatchdog(
          request.signal,
          upstreams.timeoutsOf(route.providerSlug),
          route.providerSlug,
          { wholeAnswer: true, wholeUpstream: true },
        );
        try {
          const adapter = route.ownKey ?? upstreams.adapters.get(route.providerSlug)!;
          const embedded = await adapter.embed!({
            upstreamModel: route.upstreamModel,
            inputs: input.inputs,
            dimensions: input.dimensions,
            signal: watchdog.signal,
          });
          watchdog.stop();
          return { ok: true as const, route, embedded };
        } catch (caught) {
          watchdog.stop();
          const error = watchdog.explain(caught);
          const next = error instanceof UpstreamError && error.retryable && !request.signal.aborted;
          return { ok: false as const, route, error, next };
        }
      },
    );
    const route = outcome?.route ?? routes[0]!;
    const answer = outcome?.ok ? outcome.embedded : undefined;
    const failure = outcome?.ok ? undefined : outcome?.error;
    const settled = await settleEmbeddings(
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
        inputs: input.inputs,
        inputBound: bound,
      },
      route,
      answer,
      errorCodeOf(failure),
    );
    recordSettledEmbeddings(gateway.log, gateway.metrics, {
      requestId,
      keyPrefix: key.prefix,
      model: model.slug,
      provider: route.providerSlug,
      status: settled.status,
      error: answer ? undefined : errorCodeOf(failure),
      inputTokens: settled.inputTokens,
      cost: settled.cost,
      latencyMs: settled.latencyMs,
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
  });
}
