import { estimateUsage } from "../billing/estimate-usage.server.ts";
import { inputTokensUpperBound } from "../llm/input-estimate.ts";
import { costOfUsage } from "../billing/prices.ts";
import { REFUSED_USAGE, usageProblems } from "../billing/reported-usage.ts";
import type { ActiveApiKey } from "./api-key-cache.server.ts";
import type { ChatRequest } from "../llm/chat-request.ts";
import type { RouteOption } from "../catalog/catalog-cache.server.ts";
import { GatewayError } from "../http/gateway-error.ts";
import type { Gateway } from "./gateway.server.ts";
import { openUpstream, type FailedAttempt } from "./open-upstream.server.ts";
import { EMPTY_USAGE, type StreamPart, type Usage } from "../llm/parts.ts";
import { UpstreamError, type NativeRequest } from "../providers/adapter.ts";
import { CompletionAccumulator } from "../protocols/completion-accumulator.ts";
import { SSE_HEADERS } from "../protocols/sse.ts";
import type { AnswerIdentity, Charge, WireFormat } from "../protocols/wire-format.ts";
import { conversationRow, type Settlement } from "../billing/ledger.server.ts";
import { PROGRESS_INTERVAL_MS } from "./progress-recorder.server.ts";
import { settleOrRetry } from "../billing/settle-or-retry.server.ts";
import type { RequestTrace, TraceSpan } from "../observability/tracing.server.ts";
import type { ProgressRecord } from "./running-requests.ts";

/** The most characters content logging stores of a prompt or an answer. */
const MAX_STORED_CHARACTERS = 1_000_000;

export interface RunContext {
  requestId: string;
  started: number;
  chat: ChatRequest;
  /** The client's body, for a provider that speaks its protocol. */
  native?: NativeRequest;
  /** Provider-side tools the request listed and the gateway left out. */
  ignoredTools?: string[];
  /** The key's rate-limit headers, for the answer (empty without limits). */
  rateHeaders?: Record<string, string>;
  /** How the answer is written, in the client's protocol. */
  format: WireFormat;
  /** The answer names its model by its OpenRouter id (OpenRouter's API, /api/v1), not its slug. */
  openRouterIds?: boolean;
  key: ActiveApiKey;
  endpoint: string;
  /** What the request's reservation holds: the most it may be charged. */
  heldAmount: bigint;
  /** The request's trace, when tracing is on. */
  trace?: RequestTrace;
  /** Runs once the request succeeded and was settled, before its last byte (the Responses API stores the conversation). */
  afterSuccess?: (answer: CompletionAccumulator) => Promise<void>;
}

type Status = "SUCCESS" | "ERROR" | "CANCELLED";

/**
 * One reserved request from the provider call to its settlement, which happens
 * exactly once whatever way the request ends: answered, failed, or left by its
 * client at any moment (even before the response started).
 */
export class CompletionRun {
  private readonly answer = new CompletionAccumulator();
  private readonly upstream = new AbortController();
  private readonly gateway: Gateway;
  private readonly context: RunContext;
  private route: RouteOption;
  private firstTokenAt: number | undefined;
  private settled: Promise<Charge> | undefined;
  /** The provider's remaining batches, once it answered. */
  private batches: AsyncIterator<StreamPart[]> | undefined;
  /** The write in progress, so that a client leaving waits for it before settling. */
  private writing: Promise<void> | undefined;
  /** Set when the key was disabled or deleted while the request ran. */
  private revoked: GatewayError | undefined;
  private readonly unregister: () => void;
  /** Output characters in the last progress record, and whether there is one to drop at settlement. */
  private recordedLength = 0;
  /** Provider calls made (retries and fallbacks included), for the access log. */
  private attempts = 0;
  /** The provider calls that failed before the answer (or before giving up), for the usage row. */
  private failedAttempts: FailedAttempt[] | undefined;
  private readonly settledOnce = Promise.withResolvers<void>();
  private progressRecorded = false;
  /** The answering provider's span (when tracing), ended with its stream. */
  private upstreamSpan: TraceSpan | undefined;
  /** The output the provider was allowed: reported usage above it is not believed. */
  private maxOutputTokens = 0;
  /** Set once the provider's reported usage was refused (it is said once, in the log). */
  private usageRefused = false;

  constructor(gateway: Gateway, context: RunContext, routes: RouteOption[]) {
    this.gateway = gateway;
    this.context = context;
    this.route = routes[0]!;
    this.unregister = gateway.running.add(context.key, this);
  }

  /** Stop for `reason` (the key was revoked, the server is stopping): the run ends with that error, billed for what was produced. */
  revoke(reason: GatewayError) {
    if (this.settled) return;
    this.revoked = reason;
    this.upstream.abort();
  }

  whenSettled(): Promise<void> {
    return this.settledOnce.promise;
  }

  async start(
    routes: RouteOption[],
    maxOutputTokens: number,
    clientSignal: AbortSignal,
    capped: boolean,
  ): Promise<Response> {
    this.maxOutputTokens = maxOutputTokens;
    try {
      return await this.run(routes, maxOutputTokens, clientSignal, capped);
    } catch (error) {
      // Whatever went wrong, the hold is released now rather than by the sweeper later.
      await this.finish("ERROR", error);
      throw error;
    }
  }

  private async run(
    routes: RouteOption[],
    maxOutputTokens: number,
    clientSignal: AbortSignal,
    capped: boolean,
  ): Promise<Response> {
    if (clientSignal.aborted) return this.clientLeftBeforeAnswer();
    clientSignal.addEventListener("abort", () => void this.clientLeft(), { once: true });
    const opened = await openUpstream(
      this.gateway,
      routes,
      {
        request: this.context.chat,
        native: this.context.native,
        maxOutputTokens,
        stream: this.context.chat.stream === true,
        signal: this.upstream.signal,
      },
      this.context.trace,
    );
    this.route = opened.route;
    this.attempts = opened.attempts;
    this.failedAttempts = opened.failed;
    if (opened.ok) this.upstreamSpan = opened.span;
    if (this.revoked) {
      await this.finish("ERROR", this.revoked);
      throw this.revoked;
    }
    if (!opened.ok) {
      if (clientSignal.aborted) return this.clientLeftBeforeAnswer();
      await this.finish("ERROR", opened.error);
      throw toGatewayError(opened.error);
    }
    this.batches = opened.rest;
    // x-generation-id: OpenRouter's name for it, which its users look up at /api/v1/generation.
    const headers: Record<string, string> = {
      "x-request-id": this.context.requestId,
      "x-generation-id": this.context.requestId,
      ...this.context.rateHeaders,
    };
    if (capped) headers["x-gateway-max-tokens"] = String(maxOutputTokens);
    if (this.context.ignoredTools?.length)
      headers["x-gateway-ignored-tools"] = this.context.ignoredTools.join(", ");
    if (this.context.chat.stream) {
      return new Response(this.streamBody(opened.first), {
        headers: { ...SSE_HEADERS, ...headers },
      });
    }
    return this.jsonAnswer(opened.first, headers);
  }

  private async jsonAnswer(first: IteratorResult<StreamPart[]>, headers: Record<string, string>) {
    try {
      for (let next = first; !next.done; next = await this.batches!.next())
        for (const part of next.value) this.record(part);
    } catch (caught) {
      const error = this.revoked ?? caught;
      await this.finish(this.clientGone() ? "CANCELLED" : "ERROR", error);
      throw toGatewayError(error);
    }
    const outcome = this.outcome();
    const charge = await this.finish(outcome.status, outcome.error);
    if (outcome.error) throw outcome.error;
    return Response.json(this.context.format.json(this.identity(), this.answer, charge), {
      headers,
    });
  }

  private streamBody(first: IteratorResult<StreamPart[]>) {
    const renderer = this.context.format.stream(this.identity(), this.context.chat);
    // The opening events travel with the first batch: one write.
    let head = renderer.start();
    let buffered: IteratorResult<StreamPart[]> | undefined = first;

    /** Writes at least one batch of events, or ends the stream: a pull that enqueues nothing is not called again. */
    const write = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
      for (;;) {
        let next: IteratorResult<StreamPart[]>;
        try {
          next = buffered ?? (await this.batches!.next());
          buffered = undefined;
        } catch (caught) {
          // After the first byte we never switch providers: report, bill what was produced, end cleanly.
          const error = this.revoked ?? caught;
          const cancelled = this.clientGone();
          await this.finish(cancelled ? "CANCELLED" : "ERROR", error);
          if (!cancelled) end(controller, renderer.fail(toGatewayError(error)));
          return;
        }
        if (next.done) {
          const outcome = this.outcome();
          const usage = await this.finish(outcome.status, outcome.error);
          if (outcome.status === "CANCELLED") return closeQuietly(controller);
          end(
            controller,
            head + (outcome.error ? renderer.fail(outcome.error) : renderer.end(usage)),
          );
          return;
        }
        let text = head;
        head = "";
        for (const part of next.value) {
          this.record(part);
          text += renderer.part(part);
        }
        if (text !== "") {
          controller.enqueue(Buffer.from(text));
          return;
        }
      }
    };

    return new ReadableStream<Uint8Array>({
      pull: (controller) => {
        this.writing = write(controller).catch(async (error: unknown) => {
          await this.finish("ERROR", error);
          controller.error(error);
        });
        return this.writing;
      },
      // The client went away mid-stream: stop the provider now, bill what it produced.
      cancel: () => this.clientLeft(),
    });
  }

  /** The client left: stop the provider, let a write in progress end, then settle as cancelled. */
  private async clientLeft() {
    this.upstream.abort();
    await this.writing;
    await this.batches?.return?.().catch(() => {});
    await this.finish("CANCELLED");
  }

  private async clientLeftBeforeAnswer() {
    this.upstream.abort();
    await this.finish("CANCELLED");
    return new Response(null, { status: 499 });
  }

  /**
   * How a provider stream that ended without throwing really ended: the SDKs end
   * silently both when we aborted them and when the body was cut before the
   * finish reason, so we check for both ourselves.
   */
  private outcome(): { status: Status; error?: GatewayError } {
    if (this.revoked) return { status: "ERROR", error: this.revoked };
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
      this.upstreamSpan?.event("first_token");
    }
    this.answer.add(part);
  }

  private identity(): AnswerIdentity {
    return {
      requestId: this.context.requestId,
      created: Math.floor(Date.now() / 1000),
      model: this.context.openRouterIds ? this.route.openRouterId : this.route.modelSlug,
      provider: this.route.providerName,
    };
  }

  /**
   * Settles once; later calls wait for the first. Resolves with the usage charged
   * and its cost, and never rejects: whatever goes wrong, the request is booked
   * and its share of the hold given back (see settleAfterFailure).
   */
  private finish(status: Status, error?: unknown): Promise<Charge> {
    if (!this.settled) {
      this.unregister();
      this.settled = this.settle(status, error).catch((failure: unknown) =>
        this.settleAfterFailure(status, failure),
      );
      void this.settled.then(() => this.settledOnce.resolve());
    }
    return this.settled;
  }

  /** We stopped the provider because the client left (not because the key was revoked). */
  private clientGone() {
    return this.upstream.signal.aborted && !this.revoked;
  }

  private async settle(status: Status, error?: unknown): Promise<Charge> {
    const errorCode = errorCodeOf(error);
    // The provider's stream is over (or was stopped): its span ends before settling.
    this.upstreamSpan?.end(status === "ERROR" ? errorCode : undefined);
    const settling = this.context.trace?.step("settle");
    const reported = this.trustedUsage();
    // A finished stream's reported usage is exact; anything cut short is counted by us.
    const estimated = reported === undefined || status !== "SUCCESS";
    const produced = this.answer.producedText();
    const usage = !estimated
      ? reported
      : produced || reported
        ? await estimateUsage(this.context.chat, produced, reported)
        : EMPTY_USAGE;
    const { route, context } = this;
    // A provider reporting more than the request was granted (a bug, or a
    // hostile endpoint) is charged no more than the hold; the row keeps its numbers.
    const fullCost = costOfUsage(usage, route.prices);
    const capped = fullCost > context.heldAmount;
    if (capped) {
      this.gateway.log.warn(
        {
          requestId: context.requestId,
          provider: route.providerSlug,
          usage,
          fullCost: String(fullCost),
        },
        "provider reported more usage than the request was granted: charge capped at its hold",
      );
    }
    const cost = capped ? context.heldAmount : fullCost;
    this.gateway.limits.spendTokens(
      context.key,
      usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens + usage.outputTokens,
    );
    this.logAccess(status, usage, cost, error);
    this.gateway.metrics.settled({
      model: route.modelSlug,
      provider: route.providerSlug,
      status,
      seconds: (performance.now() - context.started) / 1000,
      firstTokenSeconds:
        this.firstTokenAt === undefined ? null : (this.firstTokenAt - context.started) / 1000,
      inputTokens: usage.inputTokens,
      cachedInputTokens: usage.cachedInputTokens,
      outputTokens: usage.outputTokens,
      credits: Number(cost) / 1e6,
    });
    if (this.context.trace) this.traceOutcome(this.context.trace, status, usage, cost, errorCode);
    const settlement = this.settlement(status, usage, cost, {
      usageSource: capped ? "CAPPED" : estimated ? "ESTIMATED" : "REPORTED",
      errorCode,
    });
    const booked = await settleOrRetry(this.gateway.ledger, this.gateway.log, settlement);
    settling?.end(booked === "settled" ? undefined : booked);
    if (status === "SUCCESS" && context.afterSuccess) await this.afterSuccess(context.afterSuccess);
    return { usage, cost, byok: route.ownKey !== undefined };
  }

  /**
   * The provider's reported usage if it can be believed (usageProblems), else
   * undefined: the request is then billed by our own count, and the log says
   * which provider sent what.
   */
  private trustedUsage(): Usage | undefined {
    const reported = this.answer.reportedUsage;
    if (!reported) return undefined;
    const problems = usageProblems(reported, {
      inputTokens: inputTokensUpperBound(this.context.chat),
      outputTokens: this.maxOutputTokens,
    });
    if (problems.length === 0) return reported;
    if (!this.usageRefused) {
      this.usageRefused = true;
      this.gateway.log.warn(
        { requestId: this.context.requestId, provider: this.route.providerSlug, problems },
        REFUSED_USAGE,
      );
    }
    return undefined;
  }

  /**
   * Settling failed on something other than the database (which settleOrRetry
   * waits out): a bug of ours must neither keep the hold nor lose the record. The
   * request is booked at what its answer proves (our count of what it produced),
   * or at its hold if even that cannot be worked out, marked ESTIMATED.
   */
  private async settleAfterFailure(status: Status, failure: unknown): Promise<Charge> {
    const { context, gateway } = this;
    gateway.log.error(
      { err: failure, requestId: context.requestId },
      "settling failed: booking the request at our own count",
    );
    let usage = EMPTY_USAGE;
    let cost = context.heldAmount;
    try {
      usage = await estimateUsage(context.chat, this.answer.producedText(), undefined);
      const counted = costOfUsage(usage, this.route.prices);
      cost = counted < cost ? counted : cost;
    } catch (error) {
      gateway.log.error({ err: error, requestId: context.requestId }, "could not count the answer");
    }
    const settlement = this.settlement(status, usage, cost, {
      usageSource: "ESTIMATED",
      errorCode: "settlement_error",
    });
    await settleOrRetry(gateway.ledger, gateway.log, settlement);
    return { usage, cost, byok: this.route.ownKey !== undefined };
  }

  /** A failure here costs the client its stored conversation, never its answer. */
  private async afterSuccess(step: (answer: CompletionAccumulator) => Promise<void>) {
    try {
      await step(this.answer);
    } catch (error) {
      this.gateway.log.error(
        { err: error, requestId: this.context.requestId },
        "could not store the response",
      );
    }
  }

  /** What the access log says of the request, on its trace (never content, user or key ids). */
  private traceOutcome(
    trace: RequestTrace,
    status: Status,
    usage: Usage,
    cost: bigint,
    errorCode: string | null,
  ) {
    trace.set({
      "gen_ai.provider.name": this.route.providerSlug,
      // As the answer's prompt_tokens and completion_tokens count them.
      "gen_ai.usage.input_tokens":
        usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens,
      "gen_ai.usage.output_tokens": usage.outputTokens,
      "gateway.status": status,
      // Exact, like the ledger's BigInt (a number would round above 2^53).
      "gateway.cost_micro_credits": cost.toString(),
      "gateway.attempts": this.attempts,
    });
    if (this.answer.finishReason)
      trace.set({ "gen_ai.response.finish_reasons": [this.answer.finishReason] });
    if (status === "ERROR") trace.fail(errorCode ?? "upstream_error");
  }

  /** The access log's line for this request (at info: LOG_LEVEL=warn turns it off). */
  private logAccess(status: Status, usage: Usage, cost: bigint, error: unknown) {
    const { log } = this.gateway;
    if (!log.isLevelEnabled("info")) return;
    const { context, route } = this;
    log.info(
      {
        requestId: context.requestId,
        key: context.key.prefix,
        model: route.modelSlug,
        provider: route.providerSlug,
        stream: context.chat.stream === true,
        status,
        error:
          error instanceof UpstreamError || error instanceof GatewayError ? error.code : undefined,
        inputTokens: usage.inputTokens + usage.cachedInputTokens,
        outputTokens: usage.outputTokens,
        cost: cost.toString(),
        latencyMs: Math.round(performance.now() - context.started),
        firstTokenMs:
          this.firstTokenAt === undefined ? null : Math.round(this.firstTokenAt - context.started),
        retries: Math.max(0, this.attempts - 1),
      },
      "completion",
    );
  }

  /**
   * What the request has produced so far, as the usage row another instance
   * writes if this process dies: estimated, INTERRUPTED, at most the hold.
   * Undefined for requests younger than a recording interval, settled ones,
   * and ones with nothing new since the last record.
   */
  async progress(now: number): Promise<ProgressRecord | undefined> {
    if (this.settled || now - this.context.started < PROGRESS_INTERVAL_MS) return undefined;
    const produced = this.answer.producedText();
    if (produced.length === this.recordedLength) return undefined;
    this.recordedLength = produced.length;
    const usage = await estimateUsage(this.context.chat, produced, this.trustedUsage());
    if (this.settled) return undefined; // it settled meanwhile: nothing to record
    const cost = costOfUsage(usage, this.route.prices);
    const settlement = this.settlement(
      "INTERRUPTED",
      usage,
      cost > this.context.heldAmount ? this.context.heldAmount : cost,
      { usageSource: "ESTIMATED", errorCode: "interrupted" },
    );
    this.progressRecorded = true;
    return {
      requestId: this.context.requestId,
      holdId: this.gateway.ledger.holdIdOf(this.context.requestId),
      conversation: conversationRow(settlement),
    };
  }

  private settlement(
    status: Settlement["status"],
    usage: Usage,
    cost: bigint,
    how: Pick<Settlement, "usageSource" | "errorCode">,
  ): Settlement {
    const { route, context } = this;
    return {
      requestId: context.requestId,
      userId: context.key.userId,
      apiKeyId: context.key.id,
      mappingId: route.mappingId,
      modelSlug: route.modelSlug,
      providerSlug: route.providerSlug,
      upstreamModel: route.upstreamModel,
      endpoint: context.endpoint,
      stream: context.chat.stream === true,
      status,
      finishReason: this.answer.finishReason ?? null,
      ...how,
      usage,
      cost,
      prices: route.prices,
      byok: route.ownKey !== undefined,
      fallbacks: this.failedAttempts,
      latencyMs: Math.round(performance.now() - context.started),
      timeToFirstTokenMs:
        this.firstTokenAt === undefined ? null : Math.round(this.firstTokenAt - context.started),
      progressRecorded: this.progressRecorded,
      content:
        this.gateway.logContent || context.key.logContent
          ? storedContent(context.chat, this.answer.producedText())
          : undefined,
    };
  }
}

/** Closes a stream whose reader may have cancelled it already. */
function closeQuietly(controller: ReadableStreamDefaultController<Uint8Array>) {
  try {
    controller.close();
  } catch {
    // cancelled: nothing to close
  }
}

function end(controller: ReadableStreamDefaultController<Uint8Array>, text: string) {
  controller.enqueue(Buffer.from(text));
  controller.close();
}

/** The code a failed request is recorded with. */
/** The error code a usage row and a log line carry for how a request failed. */
export function errorCodeOf(error: unknown): string | null {
  if (error instanceof UpstreamError || error instanceof GatewayError) return error.code;
  return error ? "upstream_error" : null;
}

export function toGatewayError(error: unknown): GatewayError {
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

/** What content logging keeps of a request: its messages and tools, and the answer, each bounded. */
function storedContent(chat: RunContext["chat"], answer: string) {
  const prompt = { messages: chat.messages, tools: chat.tools };
  const size = JSON.stringify(prompt).length;
  return {
    prompt: size <= MAX_STORED_CHARACTERS ? prompt : { truncated: true, characters: size },
    response:
      answer.length <= MAX_STORED_CHARACTERS ? answer : answer.slice(0, MAX_STORED_CHARACTERS),
  };
}
