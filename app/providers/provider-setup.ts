// What an operator sets to give the gateway a provider (ADR 042): said by the
// start-up warning, the 503 of a call nothing can serve and the dashboard's banner.

import { BUILT_IN_PROVIDERS } from "./provider-kinds.ts";

/** The environment variable that holds each built-in provider's key, by the provider's slug. */
export const PROVIDER_KEY_VARIABLES: Readonly<Record<string, string>> = Object.fromEntries(
  BUILT_IN_PROVIDERS.map((provider) => [provider.slug, provider.keyVariable]),
);

/** Where an admin adds providers and their keys in the dashboard. */
export const PROVIDERS_PAGE = "/dashboard/admin/providers";

const VARIABLES = Object.values(PROVIDER_KEY_VARIABLES);
/** "OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY": one of them is enough. */
const ANY_VARIABLE = `${VARIABLES.slice(0, -1).join(", ")} or ${VARIABLES.at(-1)}`;

/** The start-up warning when no provider has a key. */
export const NO_PROVIDER_WARNING =
  `No provider is configured: every model call will answer 503. Set ${ANY_VARIABLE} ` +
  `(one is enough) and restart, or add a provider key as an admin on ${PROVIDERS_PAGE}. ` +
  "To try the gateway without keys, run `npm run fake-providers` and start with the variables it prints.";

/**
 * Why a model cannot be served: no provider at all, or none of its own
 * (named with their variables when they are built-in ones).
 */
export function notConfiguredMessage(model: string, providerSlugs: string[], noneAtAll: boolean) {
  if (noneAtAll)
    return (
      `No provider is configured on this gateway yet: set ${ANY_VARIABLE} and restart it, ` +
      `or add a provider key on ${PROVIDERS_PAGE}.`
    );
  if (providerSlugs.length === 0)
    return `No provider for '${model}' is configured on this gateway.`;
  const variables = providerSlugs
    .map((slug) =>
      Object.hasOwn(PROVIDER_KEY_VARIABLES, slug) ? PROVIDER_KEY_VARIABLES[slug] : undefined,
    )
    .filter((variable) => variable !== undefined);
  const set =
    variables.length > 0 ? `set ${[...new Set(variables)].join(" or ")} and restart, or ` : "";
  return (
    `No provider for '${model}' is configured on this gateway: ` +
    `${set}add a key for ${[...new Set(providerSlugs)].join(" or ")} on ${PROVIDERS_PAGE}.`
  );
}
