import type { RequestTrace, TraceSpan } from "../observability/tracing.server.ts";
import type { RouteOption } from "../catalog/catalog-cache.server.ts";
import type { Gateway } from "./gateway.server.ts";
import type { StreamPart } from "../llm/parts.ts";
import { UpstreamError, type AdapterCall, type ProviderAdapter } from "../providers/adapter.ts";
import { UpstreamWatchdog } from "./services/upstream-watchdog.ts";
import { tryRoutes, type RouteFailure } from "./try-routes.ts";

const ATTEMPTS_PER_ROUTE = 2;
const MAX_RETRY_WAIT_SECONDS = 2;

export type OpenedUpstream =
  | {
      ok: true;
      route: RouteOption;
      /** The first part, already received: nothing has been sent to the client yet. */
      first: IteratorResult<StreamPart[]>;
      rest: AsyncIterator<StreamPart[]>;
      /** Provider calls made, this one included. */
      attempts: number;
      /** The calls that failed before this one (none: undefined). */
      failed: FailedAttempt[] | undefined;
      /** This attempt's span, open until the stream ends (when tracing). */
      span: TraceSpan | undefined;
    }
  /** Every route failed; `route` is the one tried last (for the request log). */
  | {
      ok: false;
      route: RouteOption;
      error: unknown;
      attempts: number;
      failed: FailedAttempt[] | undefined;
    };

/** A provider call that failed, as the request's usage row keeps it. */
export interface FailedAttempt {
  provider: string;
  code: string;
}

/**
 * Tries the model's routes in priority order (tryRoutes) until one yields its first part.
 * A retryable failure is tried once more on the same route (after its
 * Retry-After, up to 2 s), then the next route takes over. Nothing has reached
 * the client before this returns, so switching is always safe here.
 */
export async function openUpstream(
  gateway: Gateway,
  routes: RouteOption[],
  call: Omit<AdapterCall, "upstreamModel">,
  trace?: RequestTrace,
): Promise<OpenedUpstream> {
  let attempts = 0;
  // Made on the first failure only: most requests have none.
  let failed: FailedAttempt[] | undefined;
  const { adapters, timeoutsOf } = await gateway.providers.upstreams();
  const configured = routes.filter((route) => route.ownKey || adapters.has(route.providerSlug));

  /** A route's attempts: its first part, or the failure and whether the next route may be tried. */
  async function tryRoute(route: RouteOption, adapter: ProviderAdapter) {
    const timeouts = timeoutsOf(route.providerSlug);
    const watched = { wholeAnswer: !call.stream, wholeUpstream: adapter.wholeAnswers === true };
    let routeFailure: RouteFailure | undefined;
    for (let attempt = 1; attempt <= ATTEMPTS_PER_ROUTE; attempt++) {
      // Every call is timed, streamed or not: a silent provider fails like a 5xx (issue #21).
      const watchdog = new UpstreamWatchdog(call.signal, timeouts, route.providerSlug, watched);
      attempts += 1;
      const span = trace?.step("upstream", {
        "gen_ai.provider.name": route.providerSlug,
        "gen_ai.request.model": route.upstreamModel,
        "gateway.attempt": attempts,
      });
      try {
        const parts = await adapter.streamParts({
          ...call,
          signal: watchdog.signal,
          upstreamModel: route.upstreamModel,
        });
        const rest = parts[Symbol.asyncIterator]();
        const first = await rest.next();
        if (watchdog.timedOut) throw new Error("timed out"); // ended quietly when aborted
        if (first.done) watchdog.stop();
        if (route !== routes[0]) gateway.metrics.fellBack(route.modelSlug, route.providerSlug);
        return {
          ok: true as const,
          route,
          first,
          rest: first.done ? rest : watchdog.guard(rest),
          attempts,
          failed,
          span,
        };
      } catch (caught) {
        watchdog.stop();
        const error = watchdog.explain(caught);
        routeFailure = { ok: false, route, error, next: false };
        const code = error instanceof UpstreamError ? error.code : "upstream_error";
        (failed ??= []).push({ provider: route.providerSlug, code });
        // Aborted: the client left or the key was revoked, not the provider's failure.
        span?.end(call.signal.aborted ? undefined : code);
        if (!call.signal.aborted) gateway.metrics.upstreamFailed(route.providerSlug, code);
        if (call.signal.aborted || !(error instanceof UpstreamError) || !error.retryable)
          return routeFailure;
        routeFailure.next = true;
        gateway.log.warn(
          { model: route.modelSlug, provider: route.providerSlug, attempt, err: error.message },
          "upstream attempt failed",
        );
        // A provider that kept silent gets no second wait: the next route takes over.
        if (error.code === "upstream_timeout") break;
        if (attempt < ATTEMPTS_PER_ROUTE)
          await wait(Math.min(error.retryAfterSeconds ?? 0.1, MAX_RETRY_WAIT_SECONDS), call.signal);
      }
    }
    return routeFailure!;
  }

  const outcome = await tryRoutes(gateway.breaker, configured, call.signal, (route) =>
    tryRoute(route, route.ownKey ?? adapters.get(route.providerSlug)!),
  );
  if (outcome?.ok) return outcome;
  if (outcome) return { ok: false, route: outcome.route, error: outcome.error, attempts, failed };
  // Only without a configured route (the caller filters those out) is there no failure to report.
  return {
    ok: false,
    route: routes[0]!,
    error: new Error("no route has an adapter"),
    attempts,
    failed,
  };
}

function wait(seconds: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, seconds * 1000);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
