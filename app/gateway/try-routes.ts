import type { RouteOption } from "../catalog/catalog-cache.server.ts";
import type { CircuitBreaker } from "./services/circuit-breaker.ts";

/** A route's failure; `next`: another route may still be tried. */
export interface RouteFailure {
  ok: false;
  route: RouteOption;
  error: unknown;
  next: boolean;
}

/**
 * The fallback of every endpoint that calls a provider (completions,
 * embeddings): routes in priority order until one answers or a failure says
 * not to go on. A provider whose circuit is open is skipped, unless it is the
 * last route left; each outcome goes to its circuit, but a user's own key
 * (BYOK) says nothing of the provider's health for everyone else. Resolves
 * with the answer, else the last failure (undefined without a route).
 */
export async function tryRoutes<Answer extends { ok: true }>(
  breaker: CircuitBreaker,
  routes: RouteOption[],
  signal: AbortSignal,
  tryRoute: (route: RouteOption) => Promise<Answer | RouteFailure>,
): Promise<Answer | RouteFailure | undefined> {
  let failure: RouteFailure | undefined;
  for (const [i, route] of routes.entries()) {
    const circuit = route.ownKey ? undefined : route.providerSlug;
    if (circuit && !breaker.allows(circuit) && i < routes.length - 1) continue;
    const outcome = await tryRoute(route);
    if (circuit) breaker.report(circuit, outcome.ok ? undefined : outcome.error, signal.aborted);
    if (outcome.ok) return outcome;
    failure = outcome;
    if (!outcome.next) break;
  }
  return failure;
}
