import type { Env } from "../config/env.server.ts";
import type { Logger } from "./logger.server.ts";
import { existingSingleton, singleton } from "../utils/singleton.server.ts";

// OpenTelemetry traces of completions, only when OTEL_EXPORTER_OTLP_ENDPOINT is
// set (docs/decisions/019-tracing.md). Without it the SDK is never imported and
// the request path holds `undefined` where a trace would be: each place that
// traces costs one check. The gateway sees only the interfaces below; the SDK
// stays behind them in otel-tracing.server.ts.

export type TraceAttributes = Record<string, string | number | boolean | string[]>;

/** One step of a request: `reserve`, `upstream` (one per provider attempt), `settle`. */
export interface TraceSpan {
  set(attributes: TraceAttributes): void;
  event(name: "first_token"): void;
  /** Ends the step; with an error code, as failed. */
  end(errorCode?: string | null): void;
}

/** The span of one completion request, from its arrival to its settlement. */
export interface RequestTrace {
  set(attributes: TraceAttributes): void;
  step(name: "reserve" | "upstream" | "settle", attributes?: TraceAttributes): TraceSpan;
  /** The completion failed (the provider failed, its stream was cut), whatever status was sent. */
  fail(errorCode: string): void;
  /** Ends the request with the status it was answered with; steps left open end with `errorCode`. */
  end(status: number, errorCode?: string | null): void;
}

export interface Tracing {
  /** The root span of a completion request, in the caller's trace if it sent a `traceparent`. */
  startRequest(request: Request, endpoint: string): RequestTrace;
  /** Exports the spans still queued, then stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts tracing if OTEL_EXPORTER_OTLP_ENDPOINT is set (main.ts, before
 * serving). The exporter reads the standard OTEL_EXPORTER_OTLP_* variables
 * itself (headers, timeout, a traces-only endpoint).
 */
export async function startTracing(env: Env, log: Logger): Promise<Tracing | undefined> {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  const { createTracing } = await import("./otel-tracing.server.ts");
  return singleton("tracing", () => createTracing(log));
}

/** The process's tracing, if main.ts started it (the app bundle asks here). */
export function activeTracing(): Tracing | undefined {
  return existingSingleton<Tracing>("tracing");
}
