import cluster from "node:cluster";
import { createRequestListener } from "@react-router/node";
import { RouterContextProvider, type ServerBuild } from "react-router";
import { resolveEncryptionKey } from "../config/encryption-key.server.ts";
import { resolveSessionSecret } from "../config/session-secret.server.ts";
import { readMigrations } from "../db/migrator.server.ts";
import { getPrisma } from "../db/prisma.server.ts";
import { startReadReplica, type ReadReplica } from "../db/read-replica.server.ts";
import { closeGateway, stopRunningRequests } from "../gateway/gateway-instance.server.ts";
import { notOfferedEndpoint } from "../gateway/endpoints/unserved-api-paths.ts";
import { warmRequestPath } from "../gateway/services/warm-up.server.ts";
import { gatewayMetrics } from "../observability/metrics.server.ts";
import { startTracing } from "../observability/tracing.server.ts";
import { stripeFromEnv } from "../payments/payment-settings.server.ts";
import { startPaymentReconciler } from "../payments/payment-reconciler.server.ts";
import { startContentRetention } from "../usage/content-retention.server.ts";
import { startPriceSync } from "../admin/price-sync.server.ts";
import { exitWithProblem, loadEnvOrExit } from "./boot.server.ts";
import { openDatabase } from "./database.server.ts";
import { createDirectActions } from "../http/direct-actions.server.ts";
import { startHoldSweeper } from "./hold-sweeper.server.ts";
import { createHttpServer } from "./http-server.server.ts";
import { createLogger, endLog } from "../observability/logger.server.ts";
import { prepareDatabase } from "./prepare-database.server.ts";
import { prepareProviders, warnWhenNoProvider } from "./prepare-providers.server.ts";
import { mailDeliveryKind } from "../accounts/mailer.server.ts";
import { openWhenMigrated } from "./schema-gate.server.ts";
import {
  reportWorkerReady,
  runWorkers,
  whenAllWorkersBuilt,
  workerListenOptions,
} from "./workers.server.ts";

/**
 * The gateway process (`node app/server/main.ts` runs it from the build):
 * opens the database, migrates when asked, then serves the app once the
 * database holds this version's migrations. With WEB_CONCURRENCY > 1 it does
 * the first part and forks workers that serve (workers.server.ts, ADR 057);
 * they run this function too, on the database and secrets it handed them.
 */
export async function startGateway(build: ServerBuild, publicDir: string) {
  const env = loadEnvOrExit({ serving: true });
  const log = cluster.isWorker
    ? createLogger(env.LOG_LEVEL).child({ worker: cluster.worker?.id })
    : createLogger(env.LOG_LEVEL);
  // The build is a production build, and what reads NODE_ENV at run time sees that;
  // the operator's value stays in env.NODE_ENV, which our settings read.
  process.env.NODE_ENV = "production";

  const database = await openDatabase(env, log).catch(exitWithProblem);
  try {
    // Workers find the database their primary prepared.
    if (!cluster.isWorker && (env.MIGRATE_ON_START ?? database.embedded))
      await prepareDatabase(database.url, log);
  } catch (error) {
    await database.close();
    exitWithProblem(error);
  }
  // The app reads its configuration from process.env, like any deployment.
  process.env.DATABASE_URL = database.url;
  process.env.SESSION_SECRET = resolveSessionSecret(env.SESSION_SECRET, env.DATA_DIR);
  // The seed's free top-up is on for local starts and off in production, unless FREE_ONRAMP says otherwise.
  process.env.FREE_ONRAMP = String(env.FREE_ONRAMP ?? env.NODE_ENV !== "production");
  // Without SMTP_URL, a local start logs password reset links; production has none (ADR 044).
  process.env.MAIL_DELIVERY = mailDeliveryKind(env);
  // Local starts keep a generated key in the data directory, like the session secret.
  if (env.NODE_ENV !== "production")
    process.env.ENCRYPTION_KEY = resolveEncryptionKey(env.ENCRYPTION_KEY, env.DATA_DIR);
  else if (!env.ENCRYPTION_KEY && !cluster.isWorker)
    log.warn(
      "ENCRYPTION_KEY is not set: the provider keys stored in the database are encrypted with a key " +
        "derived from SESSION_SECRET, so changing SESSION_SECRET makes them unreadable (the start then stops). " +
        "Set ENCRYPTION_KEY (`openssl rand -hex 32`, the same on every instance): the next start re-encrypts them with it.",
    );

  const host = env.HOST ?? (env.NODE_ENV === "production" ? "0.0.0.0" : "127.0.0.1");
  if (cluster.isPrimary && env.WEB_CONCURRENCY > 1)
    // The workers read the operator's NODE_ENV, not the "production" this process now has.
    return runWorkers({
      count: env.WEB_CONCURRENCY,
      port: env.PORT,
      host,
      env: { NODE_ENV: env.NODE_ENV },
      database,
      log,
    });

  const resolved = loadEnvOrExit({ serving: true }); // with the secrets just resolved

  // The process's one Prisma client: the app's getPrisma() returns this one too.
  const prisma = getPrisma();
  const expectedMigrations = (await readMigrations()).map((migration) => migration.name);
  // Before the gateway is built (warmRequestPath): it picks tracing up then.
  const tracing = await startTracing(env, log);
  let sweeper: { stop(): void } | undefined;
  let retention: { stop(): void } | undefined;
  let priceSync: { stop(): void } | undefined;
  let reconciler: { stop(): void } | undefined;
  let replica: ReadReplica | undefined;
  const gate = await openWhenMigrated({
    prisma,
    expectedMigrations,
    log,
    async onMigrated() {
      await prepareProviders(prisma, resolved, log);
      // What the first requests would load on their way is loaded before /readyz says ready.
      const warmedMs = await warmRequestPath();
      log.info({ ms: Math.round(warmedMs) }, "request path loaded");
      await warnWhenNoProvider(log);
      sweeper = startHoldSweeper(prisma, log, env.HOLD_SWEEP_INTERVAL_SECONDS * 1000);
      retention = startContentRetention(prisma, log, {
        contentDays: env.CONTENT_RETENTION_DAYS,
        usageDays: env.USAGE_RETENTION_DAYS,
      });
      priceSync = startPriceSync(prisma, log, {
        url: env.PRICE_SYNC_URL,
        hours: env.PRICE_SYNC_HOURS,
        autoPercent: env.PRICE_SYNC_MAX_CHANGE_PERCENT,
      });
      if (env.DATABASE_REPLICA_URL)
        replica = startReadReplica(prisma, {
          url: env.DATABASE_REPLICA_URL,
          maxLagMs: env.DATABASE_REPLICA_MAX_LAG_MS,
          log,
        });
      // Payments whose webhook never came are credited all the same (ADR 045).
      const stripe = await stripeFromEnv(env);
      if (stripe)
        reconciler = startPaymentReconciler(
          { prisma, stripe: stripe.stripe, log },
          env.PAYMENT_RECONCILE_AFTER_SECONDS,
        );
    },
    onFailure(error) {
      void stop().then(() => exitWithProblem(error));
    },
  }).catch(async (error: unknown) => {
    await prisma.$disconnect();
    await database.close();
    exitWithProblem(error);
  });
  const server = createHttpServer({
    prisma,
    expectedMigrations,
    notServingBecause: () => gate.closedBecause,
    // The HTTP server refuses cross-site writes itself, knowing PUBLIC_URL and the
    // trusted proxy's scheme; React Router's check, which compares Origin with a
    // URL built from the socket (http behind Fly's TLS), would refuse our own
    // https pages' forms. "**" matches every host: it leaves the check to ours.
    // @see https://reactrouter.com/api/framework-conventions/react-router.config.ts#allowedactionorigins
    app: createRequestListener({
      build: { ...build, allowedActionOrigins: ["**"] },
      mode: "production",
    }),
    answerFirst: notOfferedEndpoint,
    directActions: createDirectActions(
      build,
      RouterContextProvider,
      log,
      env.CLIENT_READ_TIMEOUT_SECONDS * 1000,
    ),
    publicDir,
    trustProxy: env.TRUST_PROXY,
    metricsToken: env.METRICS_TOKEN,
    maxBodyBytes: env.MAX_FORM_BODY_BYTES,
    log,
  });

  if (env.METRICS_TOKEN) gatewayMetrics().collectProcessMetrics();

  await whenAllWorkersBuilt();
  server.listen({ port: env.PORT, host, ...workerListenOptions() }, () => {
    const shownHost = host === "0.0.0.0" || host === "127.0.0.1" ? "localhost" : host;
    const url = `http://${shownHost}:${env.PORT}`;
    const state = gate.closedBecause
      ? "listening, not serving until the database is migrated"
      : "ready";
    log.info(
      { url, database: database.description },
      `Gateway ${state}: dashboard and API at ${url} · database: ${database.description}`,
    );
    reportWorkerReady();
  });
  server.on("error", async (error: NodeJS.ErrnoException) => {
    const message =
      error.code === "EADDRINUSE"
        ? `Port ${env.PORT} is already in use. Set PORT to another port.`
        : error.message;
    log.fatal({ code: error.code }, message);
    await shutdown(1);
  });

  let stopping: Promise<void> | undefined;
  // Stop accepting and let running requests finish; after the grace period, end
  // the rest with an error event (each billed for what it produced), then cut
  // what is left.
  function stop() {
    return (stopping ??= (async () => {
      log.info("shutting down: finishing open requests");
      gate.stop();
      const closed = new Promise((done) => server.close(done));
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        void stopRunningRequests()
          .catch((error: unknown) => log.error({ err: error }, "could not end running requests"))
          .finally(() => setTimeout(() => server.closeAllConnections(), 500).unref());
      }, env.SHUTDOWN_GRACE_SECONDS * 1000);
      await closed;
      clearTimeout(timer);
      sweeper?.stop();
      retention?.stop();
      priceSync?.stop();
      reconciler?.stop();
      await replica?.stop();
      await closeGateway();
      // Requests have settled, so their spans have ended: send what is queued (the
      // exporter gives up after OTEL_EXPORTER_OTLP_TIMEOUT, 10 s by default).
      await tracing
        ?.shutdown()
        .catch((error: unknown) => log.warn({ err: error }, "could not export the last traces"));
      await prisma.$disconnect();
      await database.close();
    })());
  }
  async function shutdown(code: number) {
    await stop();
    log.info("stopped");
    await endLog(log);
    process.exit(code);
  }
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  // A promise nobody awaited failed: a bug of ours, in one request, which must not end the
  // others (Node's default is to exit). Requests settle whatever happens (CompletionRun.finish).
  process.on("unhandledRejection", (reason) =>
    log.error({ err: reason }, "unhandled rejection: contained, the process goes on"),
  );
}
