import type { Prisma } from "../db/prisma.server.ts";
import type { Logger } from "../observability/logger.server.ts";
import type { SecretBox } from "../security/secret-box.server.ts";
import { CATALOG_CHANNEL, type ChangeListener } from "../db/change-listener.server.ts";
import {
  DEFAULT_UPSTREAM_TIMEOUTS,
  resolveUpstreamTimeouts,
  type EnvUpstreamTimeouts,
  type UpstreamTimeouts,
} from "./upstream-timeouts.ts";
import type { ProviderAdapter } from "./adapter.ts";
import { createAdapter, type ProviderKind } from "./create-adapter.server.ts";
import { keyRing, type KeyEvent } from "./key-ring.ts";

export type Adapters = ReadonlyMap<string, ProviderAdapter>;

/** The providers as one load saw them: their adapters, and how long each may keep the gateway waiting. */
export interface Upstreams {
  adapters: Adapters;
  timeoutsOf(slug: string): UpstreamTimeouts;
}

/**
 * The adapters of the enabled providers that have a usable key (enabled, not
 * refused), each a ring of its keys, and their timeouts (the row's, else the
 * environment's), built from their rows and reloaded after any change
 * notification (a provider or a key added, edited, disabled, cooled or
 * refused on any instance), like the catalog. Adapters given to the
 * constructor (tests' fixed ones) come first and never reload; their rows'
 * timeouts apply to them too.
 */
export class ProviderRegistry {
  private current: Upstreams | undefined;
  private loading: Promise<Upstreams> | undefined;

  private readonly prisma: Prisma;
  private readonly listener: ChangeListener;
  private readonly box: SecretBox;
  private readonly fixed: Record<string, ProviderAdapter>;
  private readonly log: Logger;
  private readonly timeouts: EnvUpstreamTimeouts;

  constructor(options: {
    prisma: Prisma;
    listener: ChangeListener;
    box: SecretBox;
    fixed?: Partial<Record<string, ProviderAdapter>>;
    log: Logger;
    /** The environment's limits, for providers whose rows set none. */
    timeouts?: EnvUpstreamTimeouts;
  }) {
    this.prisma = options.prisma;
    this.timeouts = options.timeouts ?? { defaults: DEFAULT_UPSTREAM_TIMEOUTS, byProvider: {} };
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

  /** The adapters by provider slug. */
  async adapters(): Promise<Adapters> {
    return (await this.upstreams()).adapters;
  }

  /** Adapters and timeouts, from one load. While the listener is down they are reloaded on every call. */
  async upstreams(): Promise<Upstreams> {
    if (this.current) return this.current;
    const loading = (this.loading ??= this.load());
    const upstreams = await loading;
    if (this.loading === loading && this.listener.connected) this.current = upstreams;
    this.loading = undefined;
    return upstreams;
  }

  private async load(): Promise<Upstreams> {
    const rows = await this.prisma.provider.findMany({
      where: { enabled: true },
      select: {
        slug: true,
        kind: true,
        baseUrl: true,
        streamUsage: true,
        firstByteTimeoutSeconds: true,
        chunkTimeoutSeconds: true,
        answerTimeoutSeconds: true,
        keys: {
          where: { enabled: true, invalidAt: null },
          select: { id: true, secret: true, coolingUntil: true },
          orderBy: { id: "asc" },
        },
      },
    });
    const adapters = new Map<string, ProviderAdapter>();
    const timeouts = new Map<string, UpstreamTimeouts>();
    for (const row of rows) {
      timeouts.set(row.slug, resolveUpstreamTimeouts(this.timeouts, row.slug, row));
      if (this.fixed[row.slug]) continue;
      const keys = await Promise.all(
        row.keys.map(async (key) => {
          const apiKey = this.openKey(row.slug, key);
          if (apiKey === undefined) return undefined;
          const adapter = await createAdapter(row.kind as ProviderKind, {
            apiKey,
            baseURL: row.baseUrl ?? undefined,
            streamUsage: row.streamUsage,
          });
          return { id: key.id, adapter, coolingUntil: key.coolingUntil?.getTime() ?? 0 };
        }),
      );
      const usable = keys.filter((key) => key !== undefined);
      if (usable.length === 0) continue;
      adapters.set(
        row.slug,
        keyRing(row.slug, usable, (event) => void this.record(event)),
      );
    }
    for (const [slug, adapter] of Object.entries(this.fixed)) adapters.set(slug, adapter);
    return {
      adapters,
      timeoutsOf: (slug) => timeouts.get(slug) ?? resolveUpstreamTimeouts(this.timeouts, slug),
    };
  }

  /** The key in the clear, or undefined (logged) when it cannot be opened: the others still serve. */
  private openKey(provider: string, key: { id: number; secret: string }) {
    try {
      return this.box.open(key.secret);
    } catch (error) {
      this.log.error({ err: error, provider, keyId: key.id }, "cannot decrypt a provider key");
      return undefined;
    }
  }

  /** A key's cooldown or refusal, written for every instance (the write notifies them all). */
  private async record(event: KeyEvent) {
    const error = event.error.slice(0, 500);
    this.log.warn({ keyId: event.keyId, event: event.kind, err: error }, "upstream key set aside");
    try {
      await this.prisma.providerKey.update({
        where: { id: event.keyId },
        data:
          event.kind === "cooling"
            ? { coolingUntil: event.until, lastError: error }
            : { invalidAt: new Date(), lastError: error },
      });
    } catch (caught) {
      this.log.error(
        { err: caught, keyId: event.keyId },
        "could not record an upstream key's state",
      );
    }
  }
}
