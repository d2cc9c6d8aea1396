import type { Prisma } from "../../db/prisma.server.ts";
import type { Logger } from "../../server/logger.server.ts";
import type { SecretBox } from "../../security/secret-box.server.ts";
import { CATALOG_CHANNEL, type ChangeListener } from "../change-listener.server.ts";
import type { ProviderAdapter } from "./adapter.ts";
import { createAdapter, type ProviderKind } from "./create-adapter.server.ts";

export type Adapters = ReadonlyMap<string, ProviderAdapter>;

/**
 * The adapters of the enabled providers that have an enabled key, built from
 * their rows and reloaded after any change notification (a provider or a key
 * added, edited or disabled on any instance), like the catalog. Adapters given
 * to the constructor (tests' fixed ones) come first and never reload.
 */
export class ProviderRegistry {
  private current: Adapters | undefined;
  private loading: Promise<Adapters> | undefined;

  private readonly prisma: Prisma;
  private readonly listener: ChangeListener;
  private readonly box: SecretBox;
  private readonly fixed: Record<string, ProviderAdapter>;
  private readonly log: Logger;

  constructor(options: {
    prisma: Prisma;
    listener: ChangeListener;
    box: SecretBox;
    fixed?: Partial<Record<string, ProviderAdapter>>;
    log: Logger;
  }) {
    this.prisma = options.prisma;
    this.listener = options.listener;
    this.box = options.box;
    this.fixed = Object.fromEntries(
      Object.entries(options.fixed ?? {}).filter(
        (entry): entry is [string, ProviderAdapter] => entry[1] !== undefined,
      ),
    );
    this.log = options.log;
    this.listener.on(CATALOG_CHANNEL, () => this.invalidate());
    this.listener.onConnectionLost(() => this.invalidate());
  }

  invalidate() {
    this.current = undefined;
    this.loading = undefined;
  }

  /** The adapters by provider slug. While the listener is down they are rebuilt on every call. */
  async adapters(): Promise<Adapters> {
    if (this.current) return this.current;
    const loading = (this.loading ??= this.load());
    const adapters = await loading;
    if (this.loading === loading && this.listener.connected) this.current = adapters;
    this.loading = undefined;
    return adapters;
  }

  private async load(): Promise<Adapters> {
    const rows = await this.prisma.provider.findMany({
      where: { enabled: true, keys: { some: { enabled: true } } },
      select: {
        slug: true,
        kind: true,
        baseUrl: true,
        streamUsage: true,
        keys: {
          where: { enabled: true },
          select: { id: true, secret: true },
          orderBy: { id: "asc" },
        },
      },
    });
    const adapters = new Map<string, ProviderAdapter>();
    for (const row of rows) {
      if (this.fixed[row.slug]) continue;
      const apiKeys = row.keys.flatMap((key) => {
        try {
          return [this.box.open(key.secret)];
        } catch (error) {
          // One unreadable key must not take the provider down: the others still serve.
          this.log.error(
            { err: error, provider: row.slug, keyId: key.id },
            "cannot decrypt a provider key",
          );
          return [];
        }
      });
      if (apiKeys.length === 0) continue;
      const keyed = await Promise.all(
        apiKeys.map((apiKey) =>
          createAdapter(row.kind as ProviderKind, {
            apiKey,
            baseURL: row.baseUrl ?? undefined,
            streamUsage: row.streamUsage,
          }),
        ),
      );
      adapters.set(row.slug, keyed.length === 1 ? keyed[0]! : roundRobin(keyed));
    }
    for (const [slug, adapter] of Object.entries(this.fixed)) adapters.set(slug, adapter);
    return adapters;
  }
}

/** One adapter per upstream key, taken in turn: requests spread across a provider's keys. */
function roundRobin(adapters: ProviderAdapter[]): ProviderAdapter {
  let next = 0;
  const take = () => adapters[next++ % adapters.length]!;
  const embeds = adapters.every((adapter) => adapter.embed);
  return {
    open: (call) => take().open(call),
    ...(embeds ? { embed: (call) => take().embed!(call) } : {}),
  };
}
