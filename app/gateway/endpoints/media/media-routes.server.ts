import type { CatalogModel, RouteOption } from "../../../catalog/catalog-cache.server.ts";
import { invalidRequest } from "../../../http/gateway-error.ts";
import { UpstreamError, type ProviderAdapter } from "../../../providers/adapter.ts";
import type { ActiveApiKey } from "../../services/api-key-cache.server.ts";
import { checkModelsAllowed } from "../../authenticate.server.ts";
import type { Gateway } from "../../gateway.server.ts";
import { routesWithOwnKeys } from "../../own-key-routes.server.ts";
import { notConfigured, requireModel, servedByAnyKey } from "../../route-choice.server.ts";
import { tryRoutes } from "../../try-routes.ts";
import { UpstreamWatchdog } from "../../services/upstream-watchdog.ts";

// What the media endpoints share (ADR 072): the model named, the routes whose provider can
// do the job (the user's own keys first), and the calls tried in order as for completions.

/**
 * The named model's routes that can serve `what` (their adapter has the method and the
 * route is priced for it), or the 4xx/503 that says why none can.
 */
export async function mediaRoutes(
  gateway: Gateway,
  key: ActiveApiKey,
  name: string,
  what: {
    noun: string;
    /** Whether a route of `model` is priced for this job. */
    priced: (route: RouteOption, model: CatalogModel) => boolean;
    can: (adapter: ProviderAdapter) => boolean;
  },
) {
  const { model } = await requireModel(gateway, name, "/v1/models");
  checkModelsAllowed(key, [model.slug]);
  const priced = (route: RouteOption) => what.priced(route, model);
  if (!model.routes.some(priced))
    throw invalidRequest(
      `'${model.slug}' does not make ${what.noun}`,
      "model",
      "model_not_supported",
    );
  const [routes] = (await routesWithOwnKeys(
    gateway,
    key.userId,
    [model.routes.filter(priced)],
    what.can,
  )) as [RouteOption[]];
  if (routes.length === 0 && !(await servedByAnyKey(gateway, key.userId, model.routes)))
    throw await notConfigured(gateway, model.slug, model.routes);
  if (routes.length === 0)
    throw invalidRequest(
      `No provider of '${model.slug}' makes ${what.noun}`,
      "model",
      "model_not_supported",
    );
  return { model, routes };
}

type Answered<T> = { ok: true; route: RouteOption; value: T; watchdog: UpstreamWatchdog };

/**
 * Calls the routes in order until one answers: a retryable failure goes to the next, as for
 * completions; each call must answer within its provider's limits.
 */
export async function callRoutes<T>(
  gateway: Gateway,
  routes: RouteOption[],
  signal: AbortSignal,
  call: (adapter: ProviderAdapter, route: RouteOption, signal: AbortSignal) => Promise<T>,
  /**
   * The answer streams (a transcript's events, ADR 074): the provider's silences are timed as a
   * stream's, and the watchdog goes on with the answer (its `guard` times the rest).
   */
  streamed = false,
) {
  const upstreams = await gateway.providers.upstreams();
  return tryRoutes<Answered<T>>(gateway.breaker, routes, signal, async (route) => {
    const watchdog = new UpstreamWatchdog(
      signal,
      upstreams.timeoutsOf(route.providerSlug),
      route.providerSlug,
      { wholeAnswer: !streamed, wholeUpstream: !streamed },
    );
    try {
      const adapter = route.ownKey ?? upstreams.adapters.get(route.providerSlug)!;
      const value = await call(adapter, route, watchdog.signal);
      if (!streamed) watchdog.stop();
      return { ok: true as const, route, value, watchdog };
    } catch (caught) {
      watchdog.stop();
      const error = watchdog.explain(caught);
      const next = error instanceof UpstreamError && error.retryable && !signal.aborted;
      return { ok: false as const, route, error, next };
    }
  });
}

/** The dearest of the routes' prices: a hold covers whichever route answers. */
export const dearest = (prices: bigint[]) =>
  prices.reduce((max, price) => (price > max ? price : max), 0n);
