import { randomBytes } from "node:crypto";
import { estimateUsage } from "../billing/estimate-usage.server.ts";
import { inputTokensUpperBound } from "../billing/input-estimate.ts";
import { costOfUsage, maxInputPrice } from "../billing/prices.ts";
import { costOfTokens } from "../utils/money.ts";
import { requestedMaxTokens, type ChatRequest } from "./chat-request.ts";
import type { CatalogModel, RouteOption } from "./catalog-cache.server.ts";
import { errorResponse, GatewayError, invalidRequest } from "./gateway-error.ts";
import type { Gateway } from "./gateway.server.ts";
import { openUpstream } from "./open-upstream.server.ts";
import { EMPTY_USAGE, type StreamPart, type Usage } from "./parts.ts";
import { parseChatRequest, type RequestFormat } from "./parse-chat-request.server.ts";
import { UpstreamError } from "./providers/adapter.ts";
import { readJsonBody } from "./read-json-body.server.ts";
import { CompletionAccumulator } from "./render/completion-accumulator.ts";
import { createChunkRenderer } from "./render/openai-chunks.ts";
import { renderCompletion } from "./render/openai-completion.ts";
import { SSE_DONE, SSE_HEADERS, sseData } from "./render/sse.ts";

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
  const requestId = `req_${randomBytes(12).toString("hex")}`;
  const started = performance.now();
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
    const hold = await gateway.ledger.reserve({
      userId: key.userId,
      apiKeyId: key.id,
      requestId,
      inputCost,
      outputPrice,
      requestedTokens: requested,
      modelMaxTokens: model.maxOutputTokens,
    });
    if (!hold.ok) throw refusal(hold.reason, hold.affordableTokens, requested);

    const run = new CompletionRun(gateway, {
      requestId,
      started,
      chat,
      model,
      format,
      key,
      endpoint: new URL(request.url).pathname,
    });
    return await run.start(routes, hold.grantedTokens, request.signal, requested === undefined);
  } catch (error) {
    if (error instanceof GatewayError) return errorResponse(error, { "x-request-id": requestId });
    gateway.log.error({ err: error, requestId }, "gateway request failed");
    return errorResponse(new GatewayError(500, "Internal error", { type: "server_error" }), {
      "x-request-id": requestId,
    });
  }
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

interface RunContext {
  requestId: string;
  started: number;
  chat: ChatRequest;
  model: CatalogModel;
  format: RequestFormat;
  key: { id: string; userId: string };
  endpoint: string;
}

interface StreamState {
  route: RouteOption;
  clientSignal: AbortSignal;
  seed: boolean;
  includeUsage: boolean;
  chunks: ReturnType<typeof createChunkRenderer>;
  iterator: AsyncIterator<StreamPart>;
  started: boolean;
}

/** One reserved request from the provider call to its settlement (exactly once). */
class CompletionRun {
  private readonly answer = new CompletionAccumulator();
  private readonly upstream = new AbortController();
  private firstTokenAt: number | undefined;
  private settled: Promise<Usage> | undefined;
  private readonly gateway: Gateway;
  private readonly context: RunContext;

  constructor(gateway: Gateway, context: RunContext) {
    this.gateway = gateway;
    this.context = context;
  }

  async start(
    routes: RouteOption[],
    maxOutputTokens: number,
    clientSignal: AbortSignal,
    capped: boolean,
  ): Promise<Response> {
    try {
      return await this.run(routes, maxOutputTokens, clientSignal, capped);
    } catch (error) {
      // Whatever went wrong, the hold is released now rather than by the sweeper later
      // (finish is idempotent: a settlement already made stands).
      await this.finish(routes[0]!, "ERROR", error);
      throw error;
    }
  }

  private async run(
    routes: RouteOption[],
    maxOutputTokens: number,
    clientSignal: AbortSignal,
    capped: boolean,
  ): Promise<Response> {
    const onClientGone = () => this.upstream.abort();
    clientSignal.addEventListener("abort", onClientGone, { once: true });
    const opened = await openUpstream(this.gateway, this.context.model, routes, {
      request: this.context.chat,
      maxOutputTokens,
      signal: this.upstream.signal,
    });
    if (!opened.ok) {
      const cancelled = clientSignal.aborted;
      await this.finish(opened.route, cancelled ? "CANCELLED" : "ERROR", opened.error);
      if (cancelled) return new Response(null, { status: 499 });
      throw toGatewayError(opened.error);
    }
    const headers: Record<string, string> = { "x-request-id": this.context.requestId };
    if (capped) headers["x-gateway-max-tokens"] = String(maxOutputTokens);
    const { route, first, rest } = opened;
    const parts = prepend(first, rest);

    if (!this.context.chat.stream) {
      try {
        for await (const part of parts) this.record(part);
      } catch (error) {
        await this.finish(route, clientSignal.aborted ? "CANCELLED" : "ERROR", error);
        throw toGatewayError(error);
      }
      const outcome = this.outcome();
      const usage = await this.finish(route, outcome.status, outcome.error);
      if (outcome.error) throw outcome.error;
      return Response.json(renderCompletion(this.identity(route), this.answer, usage), { headers });
    }
    return new Response(this.streamBody(route, parts, clientSignal), {
      headers: { ...SSE_HEADERS, ...headers },
    });
  }

  private streamBody(
    route: RouteOption,
    parts: AsyncIterable<StreamPart>,
    clientSignal: AbortSignal,
  ) {
    const includeUsage = this.context.chat.stream_options?.include_usage === true;
    const stream: StreamState = {
      route,
      clientSignal,
      seed: this.context.format === "seed",
      includeUsage,
      chunks: createChunkRenderer(this.identity(route), includeUsage),
      iterator: parts[Symbol.asyncIterator](),
      started: false,
    };
    return new ReadableStream<Uint8Array>({
      pull: (controller) =>
        this.pull(controller, stream).catch(async (error: unknown) => {
          await this.finish(route, "ERROR", error);
          controller.error(error);
        }),
      cancel: async () => {
        // The client went away: stop the provider now, bill what it produced.
        this.upstream.abort();
        await stream.iterator.return?.().catch(() => {});
        await this.finish(route, "CANCELLED");
      },
    });
  }

  /** Delivers at least one event per call: a pull that enqueues nothing is not called again. */
  private async pull(controller: ReadableStreamDefaultController<Uint8Array>, stream: StreamState) {
    if (!stream.seed && !stream.started) {
      stream.started = true;
      controller.enqueue(sseData(stream.chunks.start()));
      return;
    }
    for (;;) {
      let next: IteratorResult<StreamPart>;
      try {
        next = await stream.iterator.next();
      } catch (error) {
        // After the first byte we never switch providers: report, bill what was produced, end cleanly.
        const cancelled = stream.clientSignal.aborted;
        await this.finish(stream.route, cancelled ? "CANCELLED" : "ERROR", error);
        if (!cancelled) {
          controller.enqueue(sseData(toGatewayError(error).toJSON()));
          controller.enqueue(SSE_DONE);
          controller.close();
        }
        return;
      }
      if (next.done) {
        const outcome = this.outcome();
        const usage = await this.finish(stream.route, outcome.status, outcome.error);
        if (outcome.status === "CANCELLED") return;
        if (outcome.error) controller.enqueue(sseData(outcome.error.toJSON()));
        else if (stream.includeUsage && !stream.seed)
          controller.enqueue(sseData(stream.chunks.usage(usage)));
        controller.enqueue(SSE_DONE);
        controller.close();
        return;
      }
      const part = next.value;
      this.record(part);
      const event = stream.seed
        ? part.type === "text-delta"
          ? { content: part.text }
          : undefined
        : stream.chunks.part(part);
      if (event) {
        controller.enqueue(sseData(event));
        return;
      }
    }
  }

  /**
   * How a provider stream that ended without throwing really ended: the SDKs end
   * silently both when we aborted them and when the body was cut before the
   * finish reason, so we check for both ourselves.
   */
  private outcome(): { status: "SUCCESS" | "ERROR" | "CANCELLED"; error?: GatewayError } {
    if (this.upstream.signal.aborted) return { status: "CANCELLED" };
    if (this.answer.finishReason) return { status: "SUCCESS" };
    return {
      status: "ERROR",
      error: new GatewayError(502, "The provider's stream ended before the answer was complete", {
        type: "upstream_error",
        code: "upstream_truncated",
      }),
    };
  }

  private record(part: StreamPart) {
    if (
      this.firstTokenAt === undefined &&
      (part.type === "text-delta" || part.type === "tool-call-start")
    ) {
      this.firstTokenAt = performance.now();
    }
    this.answer.add(part);
  }

  private identity(route: RouteOption) {
    return {
      id: `chatcmpl-${this.context.requestId.slice(4)}`,
      created: Math.floor(Date.now() / 1000),
      model: this.context.model.slug,
      route,
    };
  }

  /** Settles once; later calls wait for the first. Resolves with the usage charged. */
  private finish(
    route: RouteOption,
    status: "SUCCESS" | "ERROR" | "CANCELLED",
    error?: unknown,
  ): Promise<Usage> {
    this.settled ??= this.settle(route, status, error);
    return this.settled;
  }

  private async settle(
    route: RouteOption,
    status: "SUCCESS" | "ERROR" | "CANCELLED",
    error?: unknown,
  ) {
    const reported = this.answer.reportedUsage;
    // A finished stream's reported usage is exact; anything cut short is counted by us.
    const estimated = reported === undefined || status !== "SUCCESS";
    const produced = this.answer.producedText();
    const usage = !estimated
      ? reported
      : produced || reported
        ? await estimateUsage(this.context.chat, produced, reported)
        : EMPTY_USAGE;
    try {
      await this.gateway.ledger.settle({
        requestId: this.context.requestId,
        userId: this.context.key.userId,
        apiKeyId: this.context.key.id,
        mappingId: route.mappingId,
        modelSlug: this.context.model.slug,
        providerSlug: route.providerSlug,
        upstreamModel: route.upstreamModel,
        endpoint: this.context.endpoint,
        stream: this.context.chat.stream === true,
        status,
        finishReason: this.answer.finishReason ?? null,
        errorCode:
          error instanceof UpstreamError || error instanceof GatewayError
            ? error.code
            : error
              ? "upstream_error"
              : null,
        usage,
        usageSource: estimated ? "ESTIMATED" : "REPORTED",
        cost: costOfUsage(usage, route.prices),
        prices: route.prices,
        latencyMs: Math.round(performance.now() - this.context.started),
        timeToFirstTokenMs:
          this.firstTokenAt === undefined
            ? null
            : Math.round(this.firstTokenAt - this.context.started),
      });
    } catch (settleError) {
      // The hold stays until it expires; this is money we could not book, so say so loudly.
      this.gateway.log.error(
        { err: settleError, requestId: this.context.requestId },
        "settlement failed",
      );
    }
    return usage;
  }
}

async function* prepend(
  first: IteratorResult<StreamPart>,
  rest: AsyncIterator<StreamPart>,
): AsyncIterable<StreamPart> {
  if (first.done) return;
  yield first.value;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof UpstreamError) {
    return new GatewayError(error.status, error.message, {
      type:
        error.status === 429
          ? "rate_limit_error"
          : error.status === 400
            ? "invalid_request_error"
            : "upstream_error",
      code: error.code,
      retryAfter:
        error.status === 429 ? Math.max(1, error.retryAfterSeconds ?? 1) : error.retryAfterSeconds,
    });
  }
  return new GatewayError(502, "The provider failed", {
    type: "upstream_error",
    code: "upstream_error",
  });
}
