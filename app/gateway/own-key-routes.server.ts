import { feePrices } from "../billing/prices.ts";
import type { RouteOption } from "../catalog/catalog-cache.server.ts";
import type { Gateway } from "./gateway.server.ts";
import type { ProviderAdapter } from "../providers/adapter.ts";

/**
 * The routes a user's request may take, for each group of `groups` (a model's
 * routes, in catalog order): those the gateway has a key for, and before each
 * route of a provider the user brought their own key for (BYOK), the same
 * route with that key, priced at the BYOK fee. The gateway's route stays after
 * it only when the user allowed it as a fallback. `serves` says whether an
 * adapter can serve the request (embeddings need one that embeds).
 */
export async function routesWithOwnKeys(
  gateway: Gateway,
  userId: string,
  groups: RouteOption[][],
  serves: (adapter: ProviderAdapter) => boolean = () => true,
): Promise<RouteOption[][]> {
  const adapters = await gateway.providers.adapters();
  const own = await gateway.ownKeys.of(userId);
  const viaGateway = (route: RouteOption) => {
    const shared = adapters.get(route.providerSlug);
    return shared !== undefined && serves(shared);
  };
  // Most users bring no key: the gateway's routes as they are.
  if (own.size === 0) return groups.map((routes) => routes.filter(viaGateway));
  return groups.map((routes) =>
    routes.flatMap((route) => {
      const gatewayRoute = viaGateway(route) ? [route] : [];
      const key = own.get(route.providerSlug);
      if (!key || !serves(key.adapter)) return gatewayRoute;
      const viaOwnKey: RouteOption = {
        ...route,
        // The fee is a share of the provider's own price, not of the gateway's markup.
        prices: feePrices(route.costPrices, gateway.byokFeeBasisPoints),
        ownKey: key.adapter,
      };
      return key.fallback ? [viaOwnKey, ...gatewayRoute] : [viaOwnKey];
    }),
  );
}
