import { describeOutputPrice, describeRoutePrices } from "../catalog/media-prices.ts";
import { redirect } from "react-router";
import { getGateway } from "../gateway/gateway-instance.server.ts";
import { modelPagePath } from "../catalog/model-links.ts";
import { STATS_WINDOWS } from "./model-usage-stats.server.ts";
import { formatPrice } from "../utils/money.ts";
import { modelFacts } from "./model-facts.server.ts";

/**
 * A model's public page (/models/<slug> or /models/<author>/<slug>): its facts with
 * prices formatted. Another name it answers to (an alias, a dated snapshot, a
 * variant) redirects to its page; an unknown name is a 404 page.
 */
export async function modelPage(name: string) {
  const gateway = await getGateway();
  const facts = await modelFacts(gateway, name);
  if (!facts) throw new Response("Not found", { status: 404 });
  const { model } = facts;
  if (name !== model.slug && name !== model.openRouterId) throw redirect(modelPagePath(model.slug));
  return {
    slug: model.slug,
    openRouterId: model.openRouterId,
    name: model.name,
    madeBy: facts.madeBy,
    contextLength: model.contextLength,
    maxOutputTokens: model.maxOutputTokens,
    capabilities: facts.capabilities,
    served: facts.providers.some((provider) => provider.served),
    providers: facts.providers.map((provider) => ({
      slug: provider.slug,
      name: provider.name,
      served: provider.served,
      // A media model's prices per image, character, minute (ADR 072) or audio token (ADR 074).
      media: describeRoutePrices(model, provider.route),
      input: formatPrice(provider.prices.input),
      output: describeOutputPrice(provider.prices),
      cachedInput: formatPrice(provider.prices.cachedInput),
      cacheWrite:
        provider.prices.cacheWrite === null ? null : formatPrice(provider.prices.cacheWrite),
    })),
    stats: STATS_WINDOWS.map((days) => ({
      days,
      providers: facts.providers.map((provider) => ({
        slug: provider.slug,
        name: provider.name,
        ...provider.usage[days],
      })),
    })),
  };
}

export type ModelPage = Awaited<ReturnType<typeof modelPage>>;
