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

/** How often the clock looks at the watched attempts: a limit is kept to within this. */
const TICK_MS = 100;

/**
 * One attempt at a provider, under a deadline: its own abort signal (aborted
 * too when the run's is), aborted when the provider stays silent too long. A
 * silent provider then fails like any other, as an UpstreamError with code
 * `upstream_timeout`: before the first part the next route takes over, after
 * it the stream ends with an error event and what was produced is billed.
 * A part only moves the deadline; one shared clock checks all deadlines, so
 * a request costs no timer of its own.
 */
export class UpstreamWatchdog {
  readonly signal: AbortSignal;
  timedOut = false;
  /** When the provider must have sent something (performance.now() time). */
  deadline: number;
  private readonly controller = new AbortController();
  private readonly run: AbortSignal;
  private readonly timeouts: UpstreamTimeouts;
  private readonly provider: string;
  private limitMs: number;
  private waitingFor: "first" | "next" = "first";

  constructor(run: AbortSignal, timeouts: UpstreamTimeouts, provider: string) {
    this.run = run;
    this.timeouts = timeouts;
    this.provider = provider;
    this.signal = this.controller.signal;
    run.addEventListener("abort", this.followRun, { once: true });
    this.limitMs = timeouts.firstByteMs;
    this.deadline = performance.now() + this.limitMs;
    clock.watch(this);
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

  /** The provider's remaining parts, each awaited under the between-chunks limit. */
  guard(parts: AsyncIterator<StreamPart[]>): AsyncIterator<StreamPart[]> {
    this.waitingFor = "next";
    this.limitMs = this.timeouts.betweenChunksMs;
    return {
      next: async () => {
        this.deadline = performance.now() + this.limitMs;
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
    clock.forget(this);
    this.run.removeEventListener("abort", this.followRun);
  }

  /** Called by the clock once the deadline has passed. */
  expire() {
    this.timedOut = true;
    this.stop();
    this.controller.abort(new Error("upstream timeout"));
  }

  private readonly followRun = () => {
    this.stop();
    this.controller.abort(this.run.reason);
  };
}

/** Checks the watched attempts' deadlines every tick while there are any. */
class WatchdogClock {
  private readonly watched = new Set<UpstreamWatchdog>();
  private timer: NodeJS.Timeout | undefined;

  watch(watchdog: UpstreamWatchdog) {
    this.watched.add(watchdog);
    this.timer ??= setInterval(this.tick, TICK_MS).unref();
  }

  forget(watchdog: UpstreamWatchdog) {
    this.watched.delete(watchdog);
  }

  private readonly tick = () => {
    // Stopped only when a whole tick found nothing to watch, so busy times start no timers.
    if (this.watched.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const now = performance.now();
    for (const watchdog of this.watched) if (now >= watchdog.deadline) watchdog.expire();
  };
}

const clock = new WatchdogClock();
