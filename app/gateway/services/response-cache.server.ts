import { MAX_CACHE_TTL_SECONDS } from "../../accounts/api-keys/cache-ttl.ts";
import type { RouteOption } from "../../catalog/catalog-cache.server.ts";
import type { Prisma } from "../../db/prisma.server.ts";
import { GatewayError } from "../../http/gateway-error.ts";
import type { ChatRequest } from "../../llm/chat-request.ts";
import type { StreamPart } from "../../llm/parts.ts";
import type { Logger } from "../../observability/logger.server.ts";
import type { NativeRequest } from "../../providers/adapter.ts";
import { requestHash } from "./request-hash.ts";

// The exact response cache (ADR 066): opt-in per key (its TTL) or per request
// (X-OpenRouter-Cache, OpenRouter's header), scoped to the account the key spends
// from. A whole answer's parts are kept once its provider reported its usage, and
// replayed in the client's protocol without a provider call. Identical requests
// running at once are not merged: each misses until one is kept.

/** The TTL a request asks for without a key setting (OpenRouter's). */
export const DEFAULT_CACHE_TTL_SECONDS = 300;
/** An answer larger than this, as JSON, is not kept. */
export const MAX_ENTRY_BYTES = 1_048_576;
const SWEEP_MS = 60_000;

/** How a request uses the cache. */
export interface CacheUse {
  accountId: string;
  hash: string;
  ttlSeconds: number;
  /** The kept answer, when the request is a hit. */
  hit?: CachedAnswer;
}

export interface CachedAnswer {
  parts: StreamPart[];
  /** The route that answered it first: the hit's model, provider and prices. */
  route: RouteOption;
}

/** A key as the cache sees it: the account it spends from, and its TTL setting. */
interface CachingKey {
  userId: string;
  cacheTtlSeconds: number | null;
}

export class ResponseCache {
  /** What a hit costs, in hundredths of a percent of the answer's price (RESPONSE_CACHE_PRICE_PERCENT). */
  readonly hitBasisPoints: number;
  private readonly prisma: Prisma;
  private readonly log: Logger;
  private readonly maxBytes: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    prisma: Prisma,
    log: Logger,
    options: { pricePercent?: number; maxMegabytes?: number } = {},
  ) {
    this.prisma = prisma;
    this.log = log;
    this.hitBasisPoints = Math.round((options.pricePercent ?? 0) * 100);
    this.maxBytes = (options.maxMegabytes ?? 256) * 1_048_576;
  }

  /**
   * How the request uses the cache, with the kept answer when there is one that
   * one of `routes` can stand for; undefined when it does not cache. A request's
   * header beats its key's setting. A malformed header is a 400.
   */
  async use(
    key: CachingKey,
    headers: Headers,
    question: { modelSlug: string; chat: ChatRequest; native: NativeRequest | undefined },
    routes: RouteOption[],
  ): Promise<CacheUse | undefined> {
    const ttlSeconds = requestedTtl(key, headers);
    if (ttlSeconds === undefined) return undefined;
    const use: CacheUse = {
      accountId: key.userId,
      hash: requestHash(question.modelSlug, question.chat, question.native),
      ttlSeconds,
    };
    const kept = await this.prisma.responseCacheEntry.findFirst({
      where: { accountId: use.accountId, requestHash: use.hash, expiresAt: { gt: new Date() } },
      select: { mappingId: true, parts: true },
    });
    const route = kept && routes.find((option) => option.mappingId === kept.mappingId);
    if (kept && route) use.hit = { parts: kept.parts as unknown as StreamPart[], route };
    return use;
  }

  /** Keeps a whole answer for `use.ttlSeconds`, over an older one; a failure is logged, never the client's. */
  async keep(use: CacheUse, parts: StreamPart[], mappingId: number) {
    const json = JSON.stringify(parts);
    const sizeBytes = Buffer.byteLength(json);
    if (sizeBytes > MAX_ENTRY_BYTES) return;
    try {
      await this.prisma.$executeRaw`
        INSERT INTO response_cache (account_id, request_hash, mapping_id, parts, size_bytes, expires_at)
        VALUES (${use.accountId}::uuid, ${use.hash}, ${mappingId}, ${json}::jsonb, ${sizeBytes},
          now() + make_interval(secs => ${use.ttlSeconds}::int))
        ON CONFLICT (account_id, request_hash) DO UPDATE SET mapping_id = EXCLUDED.mapping_id,
          parts = EXCLUDED.parts, size_bytes = EXCLUDED.size_bytes, created_at = now(),
          expires_at = EXCLUDED.expires_at`;
    } catch (error) {
      this.log.error({ err: error }, "could not keep an answer in the response cache");
    }
  }

  /** What a hit is charged for an answer that cost `answerCost` (µcr), rounded down. */
  hitCost(answerCost: bigint): bigint {
    return (answerCost * BigInt(this.hitBasisPoints)) / 10_000n;
  }

  /** Removes expired answers, then the oldest until the cache fits RESPONSE_CACHE_MAX_MB; returns how many went. */
  async sweep(): Promise<number> {
    const expired = await this.prisma
      .$executeRaw`DELETE FROM response_cache WHERE expires_at <= now()`;
    const [size] = await this.prisma.$queryRaw<{ total: bigint }[]>`
      SELECT COALESCE(sum(size_bytes), 0)::bigint AS total FROM response_cache`;
    if (size!.total <= BigInt(this.maxBytes)) return expired;
    const evicted = await this.prisma.$executeRaw`
      DELETE FROM response_cache c USING (
        SELECT account_id, request_hash FROM (
          SELECT account_id, request_hash,
            sum(size_bytes) OVER (ORDER BY created_at DESC, account_id, request_hash) AS newer
          FROM response_cache) ranked
        WHERE newer > ${this.maxBytes}) old
      WHERE c.account_id = old.account_id AND c.request_hash = old.request_hash`;
    return expired + evicted;
  }

  /** Sweeps every minute (every instance may: deleting is idempotent). */
  start() {
    this.timer = setInterval(() => {
      this.sweep().catch((error: unknown) =>
        this.log.error({ err: error }, "could not sweep the response cache"),
      );
    }, SWEEP_MS).unref();
  }

  stop() {
    clearInterval(this.timer);
  }
}

const CACHE_HEADERS = ["x-openrouter-cache", "x-gateway-cache"];
const TTL_HEADERS = ["x-openrouter-cache-ttl", "x-gateway-cache-ttl"];

/** The TTL the request caches for, or undefined when it does not cache. */
function requestedTtl(key: CachingKey, headers: Headers): number | undefined {
  const asked = headerOf(headers, CACHE_HEADERS);
  const on = asked === undefined ? key.cacheTtlSeconds !== null : switchValue(asked);
  if (!on) return undefined;
  const ttl = headerOf(headers, TTL_HEADERS);
  if (ttl === undefined) return key.cacheTtlSeconds ?? DEFAULT_CACHE_TTL_SECONDS;
  const seconds = /^\d{1,6}$/.test(ttl.value) ? Number(ttl.value) : NaN;
  if (!(seconds >= 1 && seconds <= MAX_CACHE_TTL_SECONDS))
    throw badHeader(
      ttl.name,
      `must be a whole number of seconds from 1 to ${MAX_CACHE_TTL_SECONDS}`,
    );
  return seconds;
}

function headerOf(headers: Headers, names: string[]) {
  for (const name of names) {
    const value = headers.get(name);
    if (value !== null) return { name, value: value.trim() };
  }
  return undefined;
}

function switchValue({ name, value }: { name: string; value: string }) {
  const normal = value.toLowerCase();
  if (normal === "true" || normal === "1") return true;
  if (normal === "false" || normal === "0") return false;
  throw badHeader(name, 'must be "true" or "false"');
}

function badHeader(name: string, problem: string) {
  return new GatewayError(400, `Header ${name} ${problem}.`, {
    type: "invalid_request_error",
    code: "invalid_cache_header",
    param: name,
  });
}
