// A provider that keeps failing is left alone for a while: its routes are
// skipped and a model's next mapping answers at once, instead of every request
// waiting for the same failure first. Per instance, in memory (ADR 025).
//
// Closed: failures in a row are counted; a success resets the count.
// Open (after `threshold` failures in a row): the provider is skipped for
// `openMs`, unless no other route is left.
// Half-open (after that): one request may try it; success closes the
// circuit, failure opens it again.

import { UpstreamError } from "../../providers/adapter.ts";

export interface BreakerOptions {
  /** Requests in a row the provider failed before it is skipped. */
  threshold: number;
  /** How long it is skipped. */
  openMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { threshold: 5, openMs: 30_000 };

interface ProviderState {
  failures: number;
  /** Epoch ms until which the provider is skipped; 0 when closed. */
  openUntil: number;
  /** A half-open trial is running. */
  trying: boolean;
}

export class CircuitBreaker {
  private readonly states = new Map<string, ProviderState>();
  private readonly options: BreakerOptions;
  /** Told when a provider's circuit opens (skipped) or closes again (served). */
  private readonly onChange: ((provider: string, open: boolean) => void) | undefined;

  constructor(
    options: BreakerOptions = DEFAULT_BREAKER,
    onChange?: (provider: string, open: boolean) => void,
  ) {
    this.options = options;
    this.onChange = onChange;
  }

  /** Whether a request may try the provider now (a half-open trial takes the one slot). */
  allows(provider: string): boolean {
    const state = this.states.get(provider);
    if (!state || state.openUntil === 0) return true;
    if (Date.now() < state.openUntil || state.trying) return false;
    state.trying = true;
    return true;
  }

  succeeded(provider: string) {
    const state = this.states.get(provider);
    this.states.delete(provider);
    if (state && state.openUntil > 0) this.onChange?.(provider, false);
  }

  /** A request the provider failed (after its retries): counts toward opening the circuit. */
  failed(provider: string) {
    const state = this.states.get(provider) ?? { failures: 0, openUntil: 0, trying: false };
    state.failures += 1;
    const opens = state.trying || state.failures >= this.options.threshold;
    const wasOpen = state.openUntil > 0;
    if (opens) {
      state.openUntil = Date.now() + this.options.openMs;
      state.trying = false;
    }
    this.states.set(provider, state);
    if (opens && !wasOpen) this.onChange?.(provider, true);
  }

  /** The request ended without saying anything of the provider (the client left, a bad request). */
  release(provider: string) {
    const state = this.states.get(provider);
    if (state) state.trying = false;
  }

  /** A request's last word on the provider: success, a failure that says it is unwell, or neither. */
  report(provider: string, error: unknown, aborted: boolean) {
    if (error === undefined) return this.succeeded(provider);
    const code = error instanceof UpstreamError ? error.code : undefined;
    if (!aborted && code && PROVIDER_FAILURES.has(code)) this.failed(provider);
    else this.release(provider);
  }

  /** The providers skipped now, for the admin page and metrics. */
  skippedProviders(): string[] {
    const now = Date.now();
    return [...this.states].filter(([, state]) => state.openUntil > now).map(([slug]) => slug);
  }
}

/** The failures that say the provider is unwell (not a client's bad request, not our keys or quota). */
export const PROVIDER_FAILURES = new Set([
  "upstream_error",
  "upstream_unavailable",
  "upstream_timeout",
  "upstream_unreachable",
]);
