import type { CatalogModel } from "../../catalog/catalog-cache.server.ts";
import type { Gateway } from "../gateway.server.ts";
import { getGateway } from "../gateway-instance.server.ts";

/** The catalog as the listings show it: what the gateway can serve right now. */
export interface ServedCatalog {
  /** The models with at least one route through a provider that has a key, by slug. */
  models: Map<string, CatalogModel>;
  /** The admins' aliases of those models: name -> slug. */
  aliases: Map<string, string>;
  /** No provider has a usable key: nothing at all can be served. */
  noProvider: boolean;
}

/**
 * The models a call could reach now: each keeps only the routes of providers
 * with a usable key (the registry's adapters, which follow keys added, disabled
 * or refused at run time on any instance). A model none of whose providers has
 * a key is left out, rather than listed to answer 503 (ADR 042). Routes through
 * users' own keys (BYOK) are not counted: the listings answer everyone alike.
 */
export async function servedCatalog(gateway: Gateway): Promise<ServedCatalog> {
  const [{ models, aliases }, adapters] = await Promise.all([
    gateway.catalog.load(),
    gateway.providers.adapters(),
  ]);
  const served = new Map<string, CatalogModel>();
  for (const [slug, model] of models) {
    const routes = model.routes.filter((route) => adapters.has(route.providerSlug));
    if (routes.length > 0) served.set(slug, { ...model, routes });
  }
  return {
    models: served,
    aliases: new Map([...aliases].filter(([, slug]) => served.has(slug))),
    noProvider: adapters.size === 0,
  };
}

/** The slugs of the providers that have a usable key now. */
export async function configuredProviders(gateway: Gateway): Promise<Set<string>> {
  return new Set((await gateway.providers.adapters()).keys());
}

/** Whether no provider has a usable key, for the process's gateway (the dashboard's banner). */
export async function noProviderConfigured(): Promise<boolean> {
  return (await configuredProviders(await getGateway())).size === 0;
}
