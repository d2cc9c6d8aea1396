import { Ledger, newInstanceId } from "../billing/ledger.server.ts";
import type { SecretBox } from "../security/secret-box.server.ts";
import { connectionPool, queriesOf, type Prisma } from "../db/prisma.server.ts";
import type { QueryCounts } from "../db/query-counts.ts";
import type pg from "pg";
import type { Logger } from "../observability/logger.server.ts";
import { ApiKeyCache } from "./services/api-key-cache.server.ts";
import { CatalogCache } from "../catalog/catalog-cache.server.ts";
import { ChangeListener } from "../db/change-listener.server.ts";
import type { ProviderAdapter } from "../providers/adapter.ts";
import { ProviderRegistry } from "../providers/provider-registry.server.ts";
import { OwnKeyCache } from "../providers/own-keys.server.ts";
import type Stripe from "stripe";
import { AutoTopUp } from "../payments/auto-topup.server.ts";
import {
  DEFAULT_UPSTREAM_TIMEOUTS,
  type EnvUpstreamTimeouts,
} from "../providers/upstream-timeouts.ts";
import { RunningRequests } from "./services/running-requests.ts";
import { RateLimiter } from "./services/rate-limiter.server.ts";
import { CircuitBreaker, type BreakerOptions } from "./services/circuit-breaker.ts";
import { ProviderSpeeds } from "./services/provider-speeds.server.ts";
import { ResponseCache } from "./services/response-cache.server.ts";
import { AlertWatcher } from "../accounts/notifications/alert-watcher.server.ts";
import { WebhookDeliverer } from "../accounts/notifications/webhook-deliverer.server.ts";
import { emitAdminEvent } from "../accounts/notifications/events.server.ts";
import { startProgressRecorder } from "./services/progress-recorder.server.ts";
import { GatewayError } from "../http/gateway-error.ts";
import { isDatabaseUnavailable } from "../db/database-unavailable.server.ts";
import { KEY_EXPIRED, readKeyStandings } from "./services/key-standing.server.ts";
import { gatewayMetrics, type GatewayMetrics } from "../observability/metrics.server.ts";
import type { Tracing } from "../observability/tracing.server.ts";

/** Everything a gateway request needs, created once per process. */
export interface Gateway {
  prisma: Prisma;
  ledger: Ledger;
  keys: ApiKeyCache;
  catalog: CatalogCache;
  /** The adapters of the providers that have an enabled key, by provider slug. */
  providers: ProviderRegistry;
  /** Seals and opens the providers' upstream keys (ENCRYPTION_KEY). */
  box: SecretBox;
  /** Users' own provider keys (BYOK), by user. */
  ownKeys: OwnKeyCache;
  /** What BYOK requests cost, in hundredths of a percent of the provider's prices (BYOK_FEE_PERCENT). */
  byokFeeBasisPoints: number;
  /** Requests and tokens per minute of the keys that have limits. */
  limits: RateLimiter;
  /** Providers failing request after request are skipped for a while. */
  breaker: CircuitBreaker;
  /** How fast each model answers on each provider lately (`:nitro`, provider.sort). */
  speeds: ProviderSpeeds;
  metrics: GatewayMetrics;
  /** OpenTelemetry traces of completions; undefined when tracing is off. */
  tracing: Tracing | undefined;
  /** Store every request's prompt and answer (LOG_CONTENT), not only those of opted-in keys. */
  logContent: boolean;
  /** How long a Responses API answer is kept for previous_response_id (RESPONSE_STORE_DAYS). */
  responseStoreDays: number;
  /** Answers kept for identical requests, per account (ADR 066). */
  cache: ResponseCache;
  /** The requests running here, by API key: a revoked key's end at once. */
  running: RunningRequests;
  /** The environment's upstream timeouts, for providers whose rows set none (the registry applies them). */
  upstreamTimeouts: EnvUpstreamTimeouts;
  log: Logger;
  /** Ends every running request with a "restarting" error, billed for what it produced. */
  stopRunning(): Promise<void>;
  close(): Promise<void>;
}

const SHUTTING_DOWN = new GatewayError(503, "The gateway is restarting; retry the request", {
  type: "server_error",
  code: "server_shutting_down",
});

/**
 * The gateway on a Prisma client (which the caller owns and disconnects) and a
 * LISTEN connection of its own to `databaseUrl`.
 */
export async function createGateway(options: {
  prisma: Prisma;
  databaseUrl: string;
  /** Opens the providers' stored upstream keys. */
  box: SecretBox;
  /** Adapters fixed in code, before the providers' rows (tests' fakes). */
  adapters?: Partial<Record<string, ProviderAdapter>>;
  log: Logger;
  /** How long a hold nobody uses is kept for the next requests (see the Ledger). */
  holdIdleMs?: number;
  /** The environment's upstream timeouts (default: DEFAULT_UPSTREAM_TIMEOUTS for every provider). */
  upstreamTimeouts?: EnvUpstreamTimeouts;
  logContent?: boolean;
  responseStoreDays?: number;
  /** RESPONSE_CACHE_PRICE_PERCENT and RESPONSE_CACHE_MAX_MB. */
  responseCache?: { pricePercent?: number; maxMegabytes?: number };
  tracing?: Tracing;
  breaker?: BreakerOptions;
  /** BYOK_FEE_PERCENT (default 0). */
  byokFeePercent?: number;
  /** Stripe, for auto top-up; without it there is none. */
  stripe?: Stripe;
  /** How long auto top-up waits after a failed charge before it tries again. */
  autoTopUpCooldownMs?: number;
  /** The wait before a webhook's second attempt (WEBHOOK_RETRY_BASE_SECONDS); doubles after. */
  webhookRetryBaseMs?: number;
}): Promise<Gateway> {
  const instance = newInstanceId();
  const listener = new ChangeListener(options.databaseUrl, options.log, instance);
  const autoTopUp =
    options.stripe &&
    new AutoTopUp({
      prisma: options.prisma,
      stripe: options.stripe,
      listener,
      log: options.log,
      cooldownMs: options.autoTopUpCooldownMs,
    });
  const alerts = new AlertWatcher({ prisma: options.prisma, log: options.log, listener });
  const ledger = new Ledger(options.prisma, {
    idleMs: options.holdIdleMs,
    instance,
    onBalances: (users) => {
      autoTopUp?.balancesWritten(users);
      alerts.balancesWritten(users);
    },
  });
  const webhooks = new WebhookDeliverer({
    prisma: options.prisma,
    box: options.box,
    log: options.log,
    listener,
    retryBaseMs: options.webhookRetryBaseMs,
  });
  const running = new RunningRequests({ expired: KEY_EXPIRED });
  const checkRunning = runningKeyChecker(options.prisma, ledger, running, options.log);
  const keys = new ApiKeyCache(options.prisma, listener, (secretHash, cachedId) => {
    // Running requests are found by the key's hash too: the cache may not have it (emptied by a reconnection).
    const changed = new Set([
      ...(cachedId ? [cachedId] : []),
      ...running.keyIdsWithHash(secretHash),
    ]);
    for (const apiKeyId of changed) ledger.forgetKey(apiKeyId);
    void checkRunning([...changed].filter((apiKeyId) => running.has(apiKeyId)));
  });
  // Changes made while the connection was down were never announced: every running key is read again.
  listener.onReconnected(() => void checkRunning(running.keyIds(), () => listener.connected));
  const catalog = new CatalogCache(options.prisma, listener);
  const upstreamTimeouts = options.upstreamTimeouts ?? {
    defaults: DEFAULT_UPSTREAM_TIMEOUTS,
    byProvider: {},
  };
  const providers = new ProviderRegistry({
    prisma: options.prisma,
    listener,
    box: options.box,
    fixed: options.adapters,
    log: options.log,
    timeouts: upstreamTimeouts,
  });
  const ownKeys = new OwnKeyCache({
    prisma: options.prisma,
    listener,
    box: options.box,
    log: options.log,
  });
  await listener.start();
  webhooks.start();
  const recorder = startProgressRecorder(options.prisma, instance, running, options.log);
  const metrics = gatewayMetrics();
  const cache = new ResponseCache(options.prisma, options.log, options.responseCache);
  cache.start();
  const unwatch = [
    metrics.gauge(
      "gateway_open_holds",
      "Credit holds this process keeps",
      () => ledger.openHolds().count,
    ),
    metrics.gauge(
      "gateway_held_credits",
      "Credits this process's holds keep reserved",
      () => Number(ledger.openHolds().held) / 1e6,
    ),
    metrics.gauge("gateway_running_requests", "Completions running now", () => running.size),
    ...poolGauges(metrics, connectionPool(options.prisma)),
    ...queryCounters(metrics, queriesOf(options.prisma)),
  ];
  return {
    prisma: options.prisma,
    ledger,
    keys,
    catalog,
    providers,
    box: options.box,
    ownKeys,
    byokFeeBasisPoints: Math.round((options.byokFeePercent ?? 0) * 100),
    limits: new RateLimiter(options.prisma),
    // Each instance has its own circuits: each says when one of its own opens or closes.
    breaker: new CircuitBreaker(options.breaker, (provider, open) => {
      const type = open ? "provider.circuit_opened" : "provider.circuit_closed";
      void emitAdminEvent(options.prisma, type, { provider, instance }, options.log);
    }),
    speeds: new ProviderSpeeds(options.prisma),
    running,
    metrics,
    tracing: options.tracing,
    logContent: options.logContent ?? false,
    responseStoreDays: options.responseStoreDays ?? 30,
    cache,
    upstreamTimeouts,
    log: options.log,
    stopRunning: () => running.stopAll(SHUTTING_DOWN),
    async close() {
      recorder.stop();
      cache.stop();
      await webhooks.stop();
      for (const stop of unwatch) stop();
      await listener.stop();
      await ledger.close();
    },
  };
}

/**
 * Reads keys with running requests and ends those no longer allowed to spend
 * (revoked, expired, over a lowered limit), as a disabled key's streams end;
 * the others' expiry is armed as the database has it now. Tried again a few
 * times while `stillWanted` says so: right after a restart, the pool's first
 * queries may meet connections the restart cut.
 */
function runningKeyChecker(prisma: Prisma, ledger: Ledger, running: RunningRequests, log: Logger) {
  return async function checkRunning(apiKeyIds: string[], stillWanted = () => true) {
    for (let attempt = 1; apiKeyIds.length > 0; attempt++) {
      try {
        for (const { id, refusal, expiresAt } of await readKeyStandings(prisma, apiKeyIds)) {
          if (!refusal) running.expireAt(id, expiresAt);
          else {
            ledger.forgetKey(id);
            running.revokeKey(id, refusal);
          }
        }
        return;
      } catch (error) {
        if (attempt >= CHECK_ATTEMPTS || !isDatabaseUnavailable(error) || !stillWanted()) {
          log.error({ err: error, apiKeyIds }, "could not check the keys of running requests");
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, CHECK_RETRY_MS * attempt));
      }
    }
  };
}

const CHECK_ATTEMPTS = 5;
const CHECK_RETRY_MS = 200;

function queryCounters(metrics: GatewayMetrics, counts: QueryCounts | undefined) {
  if (!counts) return [];
  return [
    metrics.counter(
      "gateway_db_queries_total",
      "Queries sent to PostgreSQL, each a round trip (BEGIN and COMMIT included)",
      () => counts.queries,
    ),
    metrics.counter(
      "gateway_db_statements_parsed_total",
      "Statements PostgreSQL parsed: unprepared ones each time, prepared ones once per connection",
      () => counts.parsed,
    ),
  ];
}

function poolGauges(metrics: GatewayMetrics, pool: pg.Pool | undefined) {
  if (!pool) return [];
  return [
    metrics.gauge(
      "gateway_db_pool_in_use",
      "Database connections running a query or transaction",
      () => pool.totalCount - pool.idleCount,
    ),
    metrics.gauge(
      "gateway_db_pool_waiting",
      "Queries waiting for a free database connection",
      () => pool.waitingCount,
    ),
    metrics.gauge("gateway_db_pool_open", "Open database connections", () => pool.totalCount),
  ];
}
