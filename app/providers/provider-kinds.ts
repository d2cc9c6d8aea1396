import { anthropicProvider } from "./anthropic/anthropic-provider.ts";
import { googleProvider } from "./google/google-provider.ts";
import { openaiCompatibleProvider, openaiProvider } from "./openai/openai-provider.ts";
import type { BuiltInProvider, ProviderKindDescriptor } from "./provider-kind.ts";

/**
 * The kinds of provider, one line each: a new kind is its folder and a line
 * here (and its adapter's entry in create-adapter.server.ts, which the compiler
 * asks for). Client-safe: the admin's forms offer these kinds.
 */
export const PROVIDER_DESCRIPTORS = [
  openaiProvider,
  anthropicProvider,
  googleProvider,
  openaiCompatibleProvider,
] as const satisfies readonly ProviderKindDescriptor[];

export type ProviderKind = (typeof PROVIDER_DESCRIPTORS)[number]["kind"];

/** The wire protocols a provider row can speak. */
export const PROVIDER_KINDS = PROVIDER_DESCRIPTORS.map((provider) => provider.kind) as [
  ProviderKind,
  ...ProviderKind[],
];

/** The descriptor of a row's kind, or undefined for a kind this build does not know. */
export const providerKind = (kind: string): ProviderKindDescriptor | undefined =>
  PROVIDER_DESCRIPTORS.find((provider) => provider.kind === kind);

/** The providers that environment variables configure, in the order messages name them. */
export const BUILT_IN_PROVIDERS: readonly (BuiltInProvider & { kind: ProviderKind })[] =
  PROVIDER_DESCRIPTORS.flatMap((provider) =>
    "builtIn" in provider ? [{ kind: provider.kind, ...provider.builtIn }] : [],
  );
