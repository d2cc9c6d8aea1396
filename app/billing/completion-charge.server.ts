import type { RouteOption } from "../catalog/catalog-cache.server.ts";
import type { ChatRequest } from "../llm/chat-request.ts";
import { EMPTY_USAGE, type Usage } from "../llm/parts.ts";
import type { Logger } from "../observability/logger.server.ts";
import type { CompletionAccumulator } from "../protocols/completion-accumulator.ts";
import {
  believedUsage,
  costAtMostHeld,
  settleCharge,
  settlementOf,
  storedContent,
  type Charged,
  type ChargedRequest,
} from "./charge.server.ts";
import { estimateUsage } from "./estimate-usage.server.ts";
import { inputTokensUpperBound } from "../llm/input-estimate.ts";
import type { Ledger } from "./ledger.server.ts";
import { conversationRow, type Settlement } from "./settlement.ts";

/** A completion being charged: the request, what it asked, and whether its content is logged. */
export interface CompletionRequest extends ChargedRequest {
  chat: ChatRequest;
  /** Content logging applies: the prompt and the answer go with the usage row. */
  logContent: boolean;
}

/** What the run knows of how it went, for the usage row. */
export interface RunFacts {
  /** The route that answered (or the last one tried). */
  route: RouteOption;
  /** performance.now() at the first token, if there was one. */
  firstTokenAt: number | undefined;
  /** The provider calls that failed before the answer (or before giving up). */
  fallbacks: Settlement["fallbacks"];
}

/**
 * The charge of one completion, from its answer so far: what its settlement
 * books, what its progress records, and what a failed settlement falls back
 * to. The run calls it; nothing here knows how the answer travels.
 */
export class CompletionCharge {
  /** The output the provider was allowed: reported usage above it is not believed. */
  maxOutputTokens = 0;
  /** Set once the provider's reported usage was refused (it is said once, in the log). */
  private usageRefused = false;
  /** Output characters in the last progress record, and whether there is one to drop at settlement. */
  private recordedLength = 0;
  private progressRecorded = false;

  private readonly ledger: Ledger;
  private readonly log: Logger;
  private readonly request: CompletionRequest;
  private readonly answer: CompletionAccumulator;

  constructor(
    ledger: Ledger,
    log: Logger,
    request: CompletionRequest,
    answer: CompletionAccumulator,
  ) {
    this.ledger = ledger;
    this.log = log;
    this.request = request;
    this.answer = answer;
  }

  /** The provider's reported usage if it can be believed, else undefined: we count. */
  private trustedUsage(route: RouteOption): Usage | undefined {
    const trusted = believedUsage(
      this.log,
      { requestId: this.request.requestId, provider: route.providerSlug },
      this.answer.reportedUsage,
      { inputTokens: inputTokensUpperBound(this.request.chat), outputTokens: this.maxOutputTokens },
      this.usageRefused,
    );
    if (trusted === undefined && this.answer.reportedUsage) this.usageRefused = true;
    return trusted;
  }

  /** What the request is charged as it ended with `status`. */
  async charge(status: Settlement["status"], route: RouteOption): Promise<Charged> {
    const reported = this.trustedUsage(route);
    // A finished stream's reported usage is exact; anything cut short is counted by us.
    const estimated = reported === undefined || status !== "SUCCESS";
    const produced = this.answer.producedText();
    const usage = !estimated
      ? reported
      : produced || reported || this.answer.images.length
        ? await estimateUsage(this.request.chat, produced, reported, this.answer.images.length)
        : EMPTY_USAGE;
    const { cost, fullCost, capped } = costAtMostHeld(usage, route.prices, this.request.heldAmount);
    if (capped) {
      this.log.warn(
        {
          requestId: this.request.requestId,
          provider: route.providerSlug,
          usage,
          fullCost: String(fullCost),
        },
        "provider reported more usage than the request was granted: charge capped at its hold",
      );
    }
    return { usage, cost, usageSource: capped ? "CAPPED" : estimated ? "ESTIMATED" : "REPORTED" };
  }

  /** A response-cache hit: the kept answer's reported usage, charged `price` of what it costs now, marked CACHE. */
  cacheHit(route: RouteOption, price: (answerCost: bigint) => bigint): Charged {
    const usage = this.answer.reportedUsage ?? EMPTY_USAGE;
    const { cost } = costAtMostHeld(usage, route.prices, this.request.heldAmount);
    return { usage, cost: price(cost), usageSource: "CACHE" };
  }

  /**
   * Settling failed on something other than the database (which settleOrRetry
   * waits out): a bug of ours must neither keep the hold nor lose the record. The
   * request is booked at what its answer proves (our count of what it produced),
   * or at its hold if even that cannot be worked out, marked ESTIMATED.
   */
  async chargeAfterFailure(route: RouteOption, failure: unknown): Promise<Charged> {
    const { requestId, heldAmount } = this.request;
    this.log.error(
      { err: failure, requestId },
      "settling failed: booking the request at our own count",
    );
    try {
      const usage = await estimateUsage(
        this.request.chat,
        this.answer.producedText(),
        undefined,
        this.answer.images.length,
      );
      return {
        usage,
        cost: costAtMostHeld(usage, route.prices, heldAmount).cost,
        usageSource: "ESTIMATED",
      };
    } catch (error) {
      this.log.error({ err: error, requestId }, "could not count the answer");
      return { usage: EMPTY_USAGE, cost: heldAmount, usageSource: "ESTIMATED" };
    }
  }

  /**
   * What the request has produced so far, as the usage row another instance
   * writes if this process dies: estimated, INTERRUPTED, at most the hold.
   * Undefined when nothing is new since the last record, or when it settled
   * while being counted.
   */
  async progress(facts: RunFacts, settled: () => boolean) {
    const produced = this.answer.producedText();
    // Text and images (ADR 073) made so far: nothing new, nothing to record.
    const size = produced.length + this.answer.images.length;
    if (size === this.recordedLength) return undefined;
    this.recordedLength = size;
    const usage = await estimateUsage(
      this.request.chat,
      produced,
      this.trustedUsage(facts.route),
      this.answer.images.length,
    );
    if (settled()) return undefined; // it settled meanwhile: nothing to record
    const { cost } = costAtMostHeld(usage, facts.route.prices, this.request.heldAmount);
    const charged: Charged = { usage, cost, usageSource: "ESTIMATED" };
    const settlement = this.settlement("INTERRUPTED", charged, facts, "interrupted");
    this.progressRecorded = true;
    return {
      requestId: this.request.requestId,
      holdId: this.ledger.holdIdOf(this.request.requestId),
      conversation: conversationRow(settlement),
    };
  }

  /** Books the charge: the one way a completion reaches the ledger. */
  settle(
    status: Settlement["status"],
    charged: Charged,
    facts: RunFacts,
    errorCode: string | null,
  ) {
    return settleCharge(this.ledger, this.log, this.settlement(status, charged, facts, errorCode));
  }

  private settlement(
    status: Settlement["status"],
    charged: Charged,
    facts: RunFacts,
    errorCode: string | null,
  ): Settlement {
    const { request } = this;
    return settlementOf(request, facts.route, charged, {
      status,
      finishReason: this.answer.finishReason ?? null,
      errorCode,
      fallbacks: facts.fallbacks,
      timeToFirstTokenMs:
        facts.firstTokenAt === undefined ? null : Math.round(facts.firstTokenAt - request.started),
      progressRecorded: this.progressRecorded,
      content: request.logContent
        ? storedContent(request.chat, this.answer.producedText())
        : undefined,
    });
  }
}
