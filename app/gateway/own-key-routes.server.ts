import { feePrices } from "../billing/prices.ts";
import type { RouteOption } from "./catalog-cache.server.ts";
import type { Gateway } from "./gateway.server.ts";
import type { ProviderAdapter } from "./providers/adapter.ts";

/**
 * The routes a user's request may take, among `routes` (catalog order): those
 * the gateway has a key for, and before each route of a provider the user
 * brought their own key for (BYOK), the same route with that key, priced at
 * the BYOK fee. The gateway's route stays after it only when the user allowed
 * it as a fallback. `serves` says whether an adapter can serve the request
 * (embeddings need one that embeds).
 */
export async function routesWithOwnKeys(
  gateway: Gateway,
  userId: string,
  routes: RouteOption[],
  serves: (adapter: ProviderAdapter) => boolean = () => true,
): Promise<RouteOption[]> {
  const adapters = await gateway.providers.adapters();
  const own = await gateway.ownKeys.of(userId);
  return routes.flatMap((route) => {
    const shared = adapters.get(route.providerSlug);
    const viaGateway = shared && serves(shared) ? [route] : [];
    const key = own.get(route.providerSlug);
    if (!key || !serves(key.adapter)) return viaGateway;
    const viaOwnKey: RouteOption = {
      ...route,
      prices: feePrices(route.prices, gateway.byokFeeBasisPoints),
      ownKey: key.adapter,
    };
    return key.fallback ? [viaOwnKey, ...viaGateway] : [viaOwnKey];
  });
}
