import { anthropicProvider } from "./anthropic/anthropic-provider.ts";
import { googleProvider } from "./google/google-provider.ts";
import { openaiCompatibleProvider, openaiProvider } from "./openai/openai-provider.ts";
import type { BuiltInProvider, ProviderKindDescriptor } from "./provider-kind.ts";

/**
 * The kinds of provider, one line each: a new kind is its folder and a line
 * here (and its adapter's entry in create-adapter.server.ts, which the compiler
 * asks for). Client-safe: the admin's forms offer these kinds.
 */
export const PROVIDERS = [
  openaiProvider,
  anthropicProvider,
  googleProvider,
  openaiCompatibleProvider,
] as const satisfies readonly ProviderKindDescriptor[];

export type ProviderKind = (typeof PROVIDERS)[number]["kind"];

/** The wire protocols a provider row can speak. */
export const PROVIDER_KINDS = PROVIDERS.map((provider) => provider.kind) as [
  ProviderKind,
  ...ProviderKind[],
];

/** The descriptor of a row's kind, or undefined for a kind this build does not know. */
export const providerKind = (kind: string): ProviderKindDescriptor | undefined =>
  PROVIDERS.find((provider) => provider.kind === kind);

/** The providers that environment variables configure, in the order messages name them. */
export const BUILT_IN_PROVIDERS: readonly (BuiltInProvider & { kind: ProviderKind })[] =
  PROVIDERS.flatMap((provider) =>
    "builtIn" in provider ? [{ kind: provider.kind, ...provider.builtIn }] : [],
  );
