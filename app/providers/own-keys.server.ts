import type { Prisma } from "../db/prisma.server.ts";
import type { Logger } from "../observability/logger.server.ts";
import type { SecretBox } from "../security/secret-box.server.ts";
import { CATALOG_CHANNEL, type ChangeListener } from "../db/change-listener.server.ts";
import { UpstreamError, type ProviderAdapter } from "./adapter.ts";
import { createAdapter, type ProviderKind } from "./create-adapter.server.ts";

export const USER_KEYS_CHANNEL = "gateway_user_keys_changed";

/** A user's own key for one provider (BYOK), ready to call it. */
export interface OwnKey {
  id: number;
  adapter: ProviderAdapter;
  /** The gateway's keys may take over when this one fails. */
  fallback: boolean;
}

export type OwnKeys = ReadonlyMap<string, OwnKey>;

const NONE: OwnKeys = new Map();

/** Users whose keys are kept in memory at most (the rest are loaded again on their next request). */
const MAX_USERS = 10_000;

/**
 * Each user's own provider keys (bring your own key), by provider slug, loaded
 * on the user's first request and kept until a change notification says they
 * changed (any instance, within a second). A user without keys costs one
 * query per instance, then a map lookup.
 */
export class OwnKeyCache {
  private readonly users = new Map<string, Promise<OwnKeys>>();
  private readonly prisma: Prisma;
  private readonly listener: ChangeListener;
  private readonly box: SecretBox;
  private readonly log: Logger;

  constructor(options: { prisma: Prisma; listener: ChangeListener; box: SecretBox; log: Logger }) {
    this.prisma = options.prisma;
    this.listener = options.listener;
    this.box = options.box;
    this.log = options.log;
    this.listener.on(USER_KEYS_CHANNEL, (userId) => this.users.delete(userId));
    // A provider's base URL or flags changed: adapters are built again.
    this.listener.on(CATALOG_CHANNEL, () => this.users.clear());
    this.listener.onConnectionLost(() => this.users.clear());
  }

  of(userId: string): Promise<OwnKeys> {
    const cached = this.users.get(userId);
    if (cached) return cached;
    const loading = this.load(userId);
    if (this.listener.connected) {
      if (this.users.size >= MAX_USERS) this.users.clear();
      this.users.set(userId, loading);
      loading.catch(() => this.users.delete(userId));
    }
    return loading;
  }

  private async load(userId: string): Promise<OwnKeys> {
    const rows = await this.prisma.userProviderKey.findMany({
      where: { userId, provider: { enabled: true } },
      select: {
        id: true,
        secret: true,
        fallback: true,
        invalidAt: true,
        lastError: true,
        provider: { select: { slug: true, kind: true, baseUrl: true, streamUsage: true } },
      },
    });
    if (rows.length === 0) return NONE;
    const keys = new Map<string, OwnKey>();
    for (const row of rows) {
      const { provider } = row;
      if (row.invalidAt !== null) {
        // Refused by the provider: the gateway's keys serve if the user allowed it, else an error says why.
        if (!row.fallback)
          keys.set(provider.slug, {
            id: row.id,
            adapter: refusedKey(provider.slug, row.lastError ?? "refused"),
            fallback: false,
          });
        continue;
      }
      let apiKey: string;
      try {
        apiKey = this.box.open(row.secret);
      } catch (error) {
        this.log.error({ err: error, userKeyId: row.id }, "cannot decrypt a user's provider key");
        continue;
      }
      const adapter = await createAdapter(provider.kind as ProviderKind, {
        apiKey,
        baseURL: provider.baseUrl ?? undefined,
        streamUsage: provider.streamUsage,
      });
      keys.set(provider.slug, {
        id: row.id,
        adapter: watchedKey(provider.slug, adapter, row.fallback, (error) =>
          this.refused(row.id, error),
        ),
        fallback: row.fallback,
      });
    }
    return keys;
  }

  /** The provider refused the user's key: it is set aside until they replace it (shown on their page). */
  private async refused(id: number, error: string) {
    this.log.warn({ userKeyId: id, err: error }, "a user's own provider key was refused");
    try {
      await this.prisma.userProviderKey.update({
        where: { id },
        data: { invalidAt: new Date(), lastError: error.slice(0, 500) },
      });
    } catch (caught) {
      this.log.error({ err: caught, userKeyId: id }, "could not record a refused user key");
    }
  }
}

/** Why a request on a refused own key fails; retryable when the gateway's keys may take over. */
function ownKeyRefused(provider: string, detail: string, retryable: boolean) {
  return new UpstreamError(
    `Your own key for '${provider}' was refused by the provider (${detail}). ` +
      "Replace it under Provider keys in the dashboard.",
    { status: 403, retryable, code: "own_key_refused", retryAfterSeconds: 0 },
  );
}

/** A user's key as an adapter: the first 401/403 sets it aside (recorded for every instance). */
function watchedKey(
  provider: string,
  adapter: ProviderAdapter,
  fallback: boolean,
  onRefused: (error: string) => Promise<void>,
): ProviderAdapter {
  let refusal: string | undefined;
  const call = async <T>(send: (adapter: ProviderAdapter) => Promise<T>): Promise<T> => {
    if (refusal !== undefined) throw ownKeyRefused(provider, refusal, fallback);
    try {
      return await send(adapter);
    } catch (error) {
      if (!(error instanceof UpstreamError) || error.code !== "upstream_auth_failed") throw error;
      if (refusal === undefined) void onRefused(error.message);
      refusal = error.message;
      throw ownKeyRefused(provider, error.message, fallback);
    }
  };
  return {
    streamParts: (request) => call((own) => own.streamParts(request)),
    ...(adapter.embed ? { embed: (request) => call((own) => own.embed!(request)) } : {}),
  };
}

/** A key the provider refused earlier: every request on it fails, saying so. */
function refusedKey(provider: string, detail: string): ProviderAdapter {
  const fail = () => Promise.reject(ownKeyRefused(provider, detail, false));
  return { streamParts: fail, embed: fail };
}
