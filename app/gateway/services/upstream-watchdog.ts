import { DeadlineClock } from "../../utils/deadline-clock.ts";
import type { StreamPart } from "../../llm/parts.ts";
import { UpstreamError } from "../../providers/adapter.ts";
import type { UpstreamTimeouts } from "../../providers/upstream-timeouts.ts";

/** How often the clock looks at the watched attempts: a limit is kept to within this. */
const TICK_MS = 100;
const clock = new DeadlineClock(TICK_MS);

/** What the client asked for, and what the provider was asked for. */
export interface WatchedCall {
  /** The client waits for one whole answer (it does not stream): all of it must come within the answer limit. */
  wholeAnswer: boolean;
  /** The provider was asked for one whole answer, which it sends (headers and all) only once it is done: no first-byte limit, the answer limit alone. */
  wholeUpstream: boolean;
}

/**
 * One attempt at a provider, under deadlines: its own abort signal (aborted
 * too when the run's is), aborted when the provider stays silent too long
 * while the gateway waits for it, or, for a client that does not stream,
 * when the whole answer has not come within the answer limit. A late
 * provider then fails like any other, as an UpstreamError with code
 * `upstream_timeout`: before the first part the next route takes over, after
 * it the stream ends with an error event and what was produced is billed.
 * Only while the gateway waits for the provider does its silence count: a
 * client that is slow to read is not the provider's fault.
 */
export class UpstreamWatchdog {
  readonly signal: AbortSignal;
  timedOut = false;
  /** When the provider must have sent something, or finished (performance.now() time). */
  deadline: number;
  private readonly controller = new AbortController();
  private readonly run: AbortSignal;
  private readonly timeouts: UpstreamTimeouts;
  private readonly provider: string;
  /** When a whole answer must be complete; Infinity for streams. */
  private readonly answerBy: number;
  /** The silence limit in force; Infinity when only the answer limit applies. */
  private silenceMs: number;
  private waitingFor: "first" | "next" = "first";
  /** Which limit the provider overran, once it did. */
  private expiredFor: "silence" | "answer" | undefined;

  constructor(
    run: AbortSignal,
    timeouts: UpstreamTimeouts,
    provider: string,
    call: WatchedCall = { wholeAnswer: false, wholeUpstream: false },
  ) {
    this.run = run;
    this.timeouts = timeouts;
    this.provider = provider;
    this.signal = this.controller.signal;
    run.addEventListener("abort", this.followRun, { once: true });
    const now = performance.now();
    this.answerBy = call.wholeAnswer ? now + timeouts.answerMs : Infinity;
    this.silenceMs = call.wholeAnswer && call.wholeUpstream ? Infinity : timeouts.firstByteMs;
    this.deadline = Math.min(now + this.silenceMs, this.answerBy);
    clock.watch(this);
  }

  /** The error to raise instead of `error` (what the adapter threw when we aborted it). */
  explain(error: unknown): unknown {
    if (!this.timedOut) return error;
    const seconds = (ms: number) => ms / 1000;
    const message =
      this.expiredFor === "answer"
        ? `${this.provider} did not send its whole answer within ${seconds(this.timeouts.answerMs)} s`
        : this.waitingFor === "first"
          ? `${this.provider} sent nothing within ${seconds(this.silenceMs)} s`
          : `${this.provider} sent nothing for ${seconds(this.silenceMs)} s in the middle of its answer`;
    return new UpstreamError(message, { status: 504, retryable: true, code: "upstream_timeout" });
  }

  /** The provider's remaining parts, each awaited under the between-chunks limit. */
  guard<T = StreamPart[]>(parts: AsyncIterator<T>): AsyncIterator<T> {
    this.waitingFor = "next";
    this.silenceMs = this.timeouts.betweenChunksMs;
    // Until the gateway asks for the next part, only a whole answer's limit runs.
    this.deadline = this.answerBy;
    return {
      next: async () => {
        this.deadline = Math.min(performance.now() + this.silenceMs, this.answerBy);
        let result: IteratorResult<T>;
        try {
          result = await parts.next();
        } catch (error) {
          this.stop();
          throw this.explain(error);
        }
        // Some SDKs end quietly when aborted: a timeout is an error all the same.
        if (this.timedOut) throw this.explain(undefined);
        if (result.done) this.stop();
        else this.deadline = this.answerBy;
        return result;
      },
      return: async () => {
        this.stop();
        return (await parts.return?.()) ?? { done: true, value: undefined };
      },
    };
  }

  stop() {
    clock.forget(this);
    this.run.removeEventListener("abort", this.followRun);
  }

  /** Called by the clock once the deadline has passed. */
  expire() {
    this.expiredFor = this.deadline >= this.answerBy ? "answer" : "silence";
    this.timedOut = true;
    this.stop();
    this.controller.abort(new Error("upstream timeout"));
  }

  private readonly followRun = () => {
    this.stop();
    this.controller.abort(this.run.reason);
  };
}
