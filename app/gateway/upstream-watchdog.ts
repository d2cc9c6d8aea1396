import type { StreamPart } from "./parts.ts";
import { UpstreamError } from "./providers/adapter.ts";

/** How long a provider may stay silent: before its first part, and between two parts of a stream. */
export interface UpstreamTimeouts {
  firstByteMs: number;
  betweenChunksMs: number;
}

export const DEFAULT_UPSTREAM_TIMEOUTS: UpstreamTimeouts = {
  firstByteMs: 30_000,
  betweenChunksMs: 60_000,
};

/**
 * One attempt at a provider, under a timer: its own abort signal (aborted too
 * when the run's is), aborted when the provider stays silent too long. A
 * silent provider then fails like any other, as an UpstreamError with code
 * `upstream_timeout`: before the first part the next route takes over, after
 * it the stream ends with an error event and what was produced is billed.
 * One timer per attempt, re-armed rather than re-created for each part.
 */
export class UpstreamWatchdog {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly run: AbortSignal;
  private readonly timeouts: UpstreamTimeouts;
  private readonly provider: string;
  private timer: NodeJS.Timeout;
  private limitMs: number;
  private waitingFor: "first" | "next" = "first";
  timedOut = false;

  constructor(run: AbortSignal, timeouts: UpstreamTimeouts, provider: string) {
    this.run = run;
    this.timeouts = timeouts;
    this.provider = provider;
    this.signal = this.controller.signal;
    run.addEventListener("abort", this.followRun, { once: true });
    this.limitMs = timeouts.firstByteMs;
    this.timer = setTimeout(this.expire, this.limitMs);
  }

  /** The error to raise instead of `error` (what the adapter threw when we aborted it). */
  explain(error: unknown): unknown {
    if (!this.timedOut) return error;
    const seconds = this.limitMs / 1000;
    return new UpstreamError(
      this.waitingFor === "first"
        ? `${this.provider} sent nothing within ${seconds} s`
        : `${this.provider} sent nothing for ${seconds} s in the middle of its answer`,
      { status: 504, retryable: true, code: "upstream_timeout" },
    );
  }

  /** The provider's remaining parts, each awaited under the between-chunks limit (the timer restarts per part). */
  guard(parts: AsyncIterator<StreamPart[]>): AsyncIterator<StreamPart[]> {
    this.waitingFor = "next";
    this.limitMs = this.timeouts.betweenChunksMs;
    clearTimeout(this.timer);
    this.timer = setTimeout(this.expire, this.limitMs);
    return {
      next: async () => {
        this.timer.refresh();
        let result: IteratorResult<StreamPart[]>;
        try {
          result = await parts.next();
        } catch (error) {
          this.stop();
          throw this.explain(error);
        }
        // Some SDKs end quietly when aborted: a timeout is an error all the same.
        if (this.timedOut) throw this.explain(undefined);
        if (result.done) this.stop();
        return result;
      },
      return: async () => {
        this.stop();
        return (await parts.return?.()) ?? { done: true, value: undefined };
      },
    };
  }

  stop() {
    clearTimeout(this.timer);
    this.run.removeEventListener("abort", this.followRun);
  }

  private readonly followRun = () => {
    this.stop();
    this.controller.abort(this.run.reason);
  };

  private readonly expire = () => {
    this.timedOut = true;
    this.stop();
    this.controller.abort(new Error("upstream timeout"));
  };
}
