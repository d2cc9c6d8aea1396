import type { Env } from "../config/env.server.ts";

/**
 * Everything the gateway knows of one kind of provider, declared once in the
 * kind's folder (app/providers/<folder>/*-provider.ts) and listed in
 * provider-kinds.ts; the admin's forms, the environment's built-in providers,
 * the timeouts and the start-up messages are derived from that list. Client-safe
 * (the admin's forms and the no-provider banner run in the browser): how its
 * adapter is built lives beside it, in create-adapter.server.ts.
 */
export interface ProviderKindDescriptor {
  /** The `kind` of a provider row: the wire protocol it speaks. */
  kind: string;
  /** A row of this kind must name its server (nothing official to default to). */
  needsBaseUrl: boolean;
  /** Its server lists its models at GET /models, so the admin can import them. */
  listsModels: boolean;
  /** The built-in provider that environment variables configure, for the official APIs. */
  builtIn?: BuiltInProvider;
}

/** A provider row written at start from environment variables (env-providers.server.ts). */
export interface BuiltInProvider {
  slug: string;
  name: string;
  /** Its key; setting it is enough to give the gateway this provider. */
  keyVariable: EnvVariable<string>;
  /** Its base URL; unset for the official SDK's default. */
  baseUrlVariable: EnvVariable<string>;
  /** Its own upstream limits in seconds (ADR 035), over the gateway-wide ones. */
  firstByteTimeoutVariable: EnvVariable<number>;
  chunkTimeoutVariable: EnvVariable<number>;
}

/** The names of the optional environment variables whose value is a T. */
type EnvVariable<T> = {
  [Name in keyof Env]-?: Env[Name] extends T | undefined ? Name : never;
}[keyof Env];
