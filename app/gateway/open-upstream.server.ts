import type { CatalogModel, RouteOption } from "./catalog-cache.server.ts";
import type { Gateway } from "./gateway.server.ts";
import type { StreamPart } from "./parts.ts";
import { UpstreamError, type AdapterCall } from "./providers/adapter.ts";

const ATTEMPTS_PER_ROUTE = 2;
const MAX_RETRY_WAIT_SECONDS = 2;

export type OpenedUpstream =
  | {
      ok: true;
      route: RouteOption;
      /** The first part, already received: nothing has been sent to the client yet. */
      first: IteratorResult<StreamPart[]>;
      rest: AsyncIterator<StreamPart[]>;
    }
  /** Every route failed; `route` is the one tried last (for the request log). */
  | { ok: false; route: RouteOption; error: unknown };

/**
 * Tries the model's routes in priority order until one yields its first part.
 * A retryable failure is tried once more on the same route (after its
 * Retry-After, up to 2 s), then the next route takes over. Nothing has reached
 * the client before this returns, so switching is always safe here.
 */
export async function openUpstream(
  gateway: Gateway,
  model: CatalogModel,
  routes: RouteOption[],
  call: Omit<AdapterCall, "upstreamModel">,
): Promise<OpenedUpstream> {
  let failure: OpenedUpstream | undefined;
  for (const route of routes) {
    const adapter = gateway.adapters[route.providerSlug];
    if (!adapter) continue;
    for (let attempt = 1; attempt <= ATTEMPTS_PER_ROUTE; attempt++) {
      try {
        const parts = await adapter.open({ ...call, upstreamModel: route.upstreamModel });
        const rest = parts[Symbol.asyncIterator]();
        const first = await rest.next();
        return { ok: true, route, first, rest };
      } catch (error) {
        failure = { ok: false, route, error };
        if (call.signal.aborted || !(error instanceof UpstreamError) || !error.retryable)
          return failure;
        gateway.log.warn(
          { model: model.slug, provider: route.providerSlug, attempt, err: error.message },
          "upstream attempt failed",
        );
        if (attempt < ATTEMPTS_PER_ROUTE)
          await wait(Math.min(error.retryAfterSeconds ?? 0.1, MAX_RETRY_WAIT_SECONDS), call.signal);
      }
    }
  }
  // Only without a configured route (the caller filters those out) is there no failure to report.
  return failure ?? { ok: false, route: routes[0]!, error: new Error("no route has an adapter") };
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
