import { CompletionCharge, type RunFacts } from "../billing/completion-charge.server.ts";
import type { Charged } from "../billing/charge.server.ts";
import type { RouteOption } from "../catalog/catalog-cache.server.ts";
import type { GatewayError } from "../http/gateway-error.ts";
import type { Gateway } from "./gateway.server.ts";
import { openUpstream, type FailedAttempt, type OpenedUpstream } from "./open-upstream.server.ts";
import type { CachedAnswer } from "./services/response-cache.server.ts";
import type { StreamPart } from "../llm/parts.ts";
import { CompletionAccumulator } from "../protocols/completion-accumulator.ts";
import { SSE_HEADERS } from "../protocols/sse.ts";
import type { AnswerIdentity, Charge } from "../protocols/wire-format.ts";
import { PROGRESS_INTERVAL_MS } from "./services/progress-recorder.server.ts";
import type { TraceSpan } from "../observability/tracing.server.ts";
import { recordSettledCompletion } from "../observability/request-telemetry.server.ts";
import type { ProgressRecord } from "./services/running-requests.ts";
import { AnswerStream, type StreamingRun } from "./answer-stream.server.ts";
import {
  errorCodeOf,
  loggedErrorCode,
  runOutcome,
  toGatewayError,
  type Status,
} from "./upstream-failure.ts";
import { answerHeaders, chargedCompletion, type RunContext } from "./run-context.ts";

/**
 * One reserved request from the provider call to its settlement, which happens
 * exactly once whatever way the request ends: answered, failed, or left by its
 * client at any moment (even before the response started). What it costs is
 * billing's (CompletionCharge); how its bytes travel, AnswerStream's.
 */
export class CompletionRun implements StreamingRun {
  private readonly answer = new CompletionAccumulator();
  private readonly upstream = new AbortController();
  private readonly gateway: Gateway;
  private readonly context: RunContext;
  private readonly charge: CompletionCharge;
  private route: RouteOption;
  private firstTokenAt: number | undefined;
  private settled: Promise<Charge> | undefined;
  /** The provider's remaining batches, once it answered. */
  private batches: AsyncIterator<StreamPart[]> | undefined;
  /** The streamed answer, once it started (its write in progress is waited for before settling). */
  private stream: AnswerStream | undefined;
  /** Set when the key was disabled or deleted while the request ran. */
  private revoked: GatewayError | undefined;
  private readonly unregister: () => void;
  /** Provider calls made (retries and fallbacks included), for the access log. */
  private attempts = 0;
  /** The provider calls that failed before the answer (or before giving up), for the usage row. */
  private failedAttempts: FailedAttempt[] | undefined;
  private readonly settledOnce = Promise.withResolvers<void>();
  /** The answering provider's span (when tracing), ended with its stream. */
  private upstreamSpan: TraceSpan | undefined;
  /** The answer's parts as they came, when it is to be kept in the response cache (a miss). */
  private readonly keptParts: StreamPart[] | undefined;

  constructor(gateway: Gateway, context: RunContext, routes: RouteOption[]) {
    this.gateway = gateway;
    this.context = context;
    this.route = routes[0]!;
    this.charge = new CompletionCharge(
      gateway.ledger,
      gateway.log,
      chargedCompletion(context, gateway.logContent),
      this.answer,
    );
    this.unregister = gateway.running.add(context.key, this);
    if (context.cache && !context.cache.hit) this.keptParts = [];
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
    this.charge.maxOutputTokens = maxOutputTokens;
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
    const hit = this.context.cache?.hit;
    const opened = hit
      ? replay(hit)
      : await openUpstream(
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
    const headers = answerHeaders(this.context, capped ? maxOutputTokens : undefined);
    if (this.context.chat.stream) {
      const renderer = this.context.format.stream(this.identity(), this.context.chat);
      this.stream = new AnswerStream(this, renderer, opened.rest, opened.first);
      return new Response(this.stream.body(), { headers: { ...SSE_HEADERS, ...headers } });
    }
    return this.jsonAnswer(opened.first, headers);
  }

  private async jsonAnswer(first: IteratorResult<StreamPart[]>, headers: Record<string, string>) {
    try {
      for (let next = first; !next.done; next = await this.batches!.next())
        for (const part of next.value) this.record(part);
    } catch (caught) {
      throw await this.providerBroke(caught);
    }
    const outcome = runOutcome(
      this.revoked,
      this.upstream.signal.aborted,
      this.answer.finishReason,
    );
    const charge = await this.finish(outcome.status, outcome.error);
    if (outcome.error) throw outcome.error;
    return Response.json(this.context.format.json(this.identity(), this.answer, charge), {
      headers,
    });
  }

  async streamBroke(caught: unknown): Promise<GatewayError | undefined> {
    const cancelled = this.clientGone();
    const error = await this.providerBroke(caught);
    return cancelled ? undefined : error;
  }

  /** The provider's answer broke off (or was stopped): settled as cancelled if the client left, else as an error. */
  private async providerBroke(caught: unknown): Promise<GatewayError> {
    const error = this.revoked ?? caught;
    await this.finish(this.clientGone() ? "CANCELLED" : "ERROR", error);
    return toGatewayError(error);
  }

  async streamEnded(): Promise<{ error?: GatewayError; charge: Charge } | undefined> {
    const outcome = runOutcome(
      this.revoked,
      this.upstream.signal.aborted,
      this.answer.finishReason,
    );
    const charge = await this.finish(outcome.status, outcome.error);
    return outcome.status === "CANCELLED" ? undefined : { error: outcome.error, charge };
  }

  async writeFailed(error: unknown) {
    await this.finish("ERROR", error);
  }

  /** The client left: stop the provider, let a write in progress end, then settle as cancelled. */
  async clientLeft() {
    this.upstream.abort();
    await this.stream?.writing;
    await this.batches?.return?.().catch(() => {});
    await this.finish("CANCELLED");
  }

  private async clientLeftBeforeAnswer() {
    this.upstream.abort();
    await this.finish("CANCELLED");
    return new Response(null, { status: 499 });
  }

  record(part: StreamPart) {
    if (
      this.firstTokenAt === undefined &&
      (part.type === "text-delta" || part.type === "tool-call-start" || part.type === "image")
    ) {
      this.firstTokenAt = performance.now();
      this.upstreamSpan?.event("first_token");
    }
    this.answer.add(part);
    this.keptParts?.push(part);
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
   * The one way into settlement: settles once; later calls wait for the first.
   * Resolves with the usage charged and its cost, and never rejects: whatever
   * goes wrong, the request is booked and its share of the hold given back
   * (see settleAfterFailure).
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
    const charged = this.context.cache?.hit
      ? this.charge.cacheHit(this.route, (cost) => this.gateway.cache.hitCost(cost))
      : await this.charge.charge(status, this.route);
    this.spendTokens(charged);
    this.recordTelemetry(status, charged, error, errorCode);
    const booked = await this.charge.settle(status, charged, this.facts(), errorCode);
    settling?.end(booked === "settled" ? undefined : booked);
    // Only a whole answer whose usage the provider reported is kept: never a partial one.
    if (status === "SUCCESS" && this.keptParts && charged.usageSource === "REPORTED")
      await this.gateway.cache.keep(this.context.cache!, this.keptParts, this.route.mappingId);
    if (status === "SUCCESS" && this.context.afterSuccess)
      await this.afterSuccess(this.context.afterSuccess);
    return { usage: charged.usage, cost: charged.cost, byok: this.route.ownKey !== undefined };
  }

  /** Settling failed on something other than the database: booked at our own count (CompletionCharge). */
  private async settleAfterFailure(status: Status, failure: unknown): Promise<Charge> {
    const charged = await this.charge.chargeAfterFailure(this.route, failure);
    await this.charge.settle(status, charged, this.facts(), "settlement_error");
    return { usage: charged.usage, cost: charged.cost, byok: this.route.ownKey !== undefined };
  }

  private spendTokens({ usage }: Charged) {
    this.gateway.limits.spendTokens(
      this.context.key,
      usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens + usage.outputTokens,
    );
  }

  private recordTelemetry(
    status: Status,
    charged: Charged,
    error: unknown,
    errorCode: string | null,
  ) {
    const { context, route } = this;
    recordSettledCompletion(this.gateway.log, this.gateway.metrics, context.trace, {
      requestId: context.requestId,
      keyPrefix: context.key.prefix,
      model: route.modelSlug,
      provider: route.providerSlug,
      stream: context.chat.stream === true,
      status,
      loggedError: loggedErrorCode(error),
      errorCode,
      usage: charged.usage,
      cost: charged.cost,
      started: context.started,
      firstTokenAt: this.firstTokenAt,
      attempts: this.attempts,
      finishReason: this.answer.finishReason,
    });
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

  private facts(): RunFacts {
    return { route: this.route, firstTokenAt: this.firstTokenAt, fallbacks: this.failedAttempts };
  }

  /** What it produced so far, for the progress recorder (CompletionCharge.progress); undefined when young or settled. */
  async progress(now: number): Promise<ProgressRecord | undefined> {
    if (this.settled || now - this.context.started < PROGRESS_INTERVAL_MS) return undefined;
    return this.charge.progress(this.facts(), () => this.settled !== undefined);
  }
}

/** A kept answer, opened as if its provider had just answered with all of it. */
function replay(hit: CachedAnswer): OpenedUpstream {
  const done: IteratorResult<StreamPart[]> = { done: true, value: undefined };
  return {
    ok: true,
    route: hit.route,
    first: { done: false, value: hit.parts },
    rest: { next: () => Promise.resolve(done) },
    attempts: 0,
    failed: undefined,
    span: undefined,
  };
}
