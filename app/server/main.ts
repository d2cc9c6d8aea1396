// The gateway process: `node app/server/main.ts` (what `npm start` runs after
// building). Boots the database, migrates, seeds, then serves the app.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "react-router";
import { resolveEncryptionKey } from "../config/encryption-key.server.ts";
import { resolveSessionSecret } from "../config/session-secret.server.ts";
import { readMigrations } from "../db/migrator.server.ts";
import { getPrisma } from "../db/prisma.server.ts";
import { closeGateway, stopRunningRequests } from "../gateway/gateway-instance.server.ts";
import { exitWithProblem, loadEnvOrExit, StartupError } from "./boot.server.ts";
import { openDatabase } from "./database.server.ts";
import { createDirectActions } from "./direct-actions.server.ts";
import { createHttpServer } from "./http-server.server.ts";
import { startHoldSweeper } from "./hold-sweeper.server.ts";
import { gatewayMetrics } from "../metrics/metrics.server.ts";
import { startTracing } from "../observability/tracing.server.ts";
import { startContentRetention } from "../usage/content-retention.server.ts";
import { createLogger } from "./logger.server.ts";
import { prepareDatabase } from "./prepare-database.server.ts";
import { prepareProviders } from "./prepare-providers.server.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const BUILD = join(ROOT, "build");

const env = loadEnvOrExit();
const log = createLogger(env.LOG_LEVEL);
// The app build is a production build; React Router fails to render it under
// any other NODE_ENV. Our own settings keep reading env.NODE_ENV.
process.env.NODE_ENV = "production";

const serverBuildPath = join(BUILD, "server", "index.js");
if (!existsSync(serverBuildPath)) {
  exitWithProblem(
    new StartupError(
      `No app build at ${serverBuildPath}. Run \`npm run build\` (npm start does it for you).`,
    ),
  );
}

const database = await openDatabase(env, log).catch(exitWithProblem);
try {
  if (env.MIGRATE_ON_START ?? database.embedded) await prepareDatabase(database.url, log);
} catch (error) {
  await database.close();
  exitWithProblem(error);
}
// The app bundle reads its configuration from process.env, like any deployment.
process.env.DATABASE_URL = database.url;
process.env.SESSION_SECRET = resolveSessionSecret(env.SESSION_SECRET, env.DATA_DIR);

// The seed's free top-up is on for local starts and off in production, unless FREE_ONRAMP says
// otherwise; the app bundle sees NODE_ENV=production either way, so it is decided here.
process.env.FREE_ONRAMP = String(env.FREE_ONRAMP ?? env.NODE_ENV !== "production");

// Local starts keep a generated key in the data directory, like the session secret;
// a deployment sets its own (or, until it does, derives one: see secret-box-from-env).
if (env.NODE_ENV !== "production")
  process.env.ENCRYPTION_KEY = resolveEncryptionKey(env.ENCRYPTION_KEY, env.DATA_DIR);

// The process's one Prisma client: the app bundle's getPrisma() returns this one too.
const prisma = getPrisma();
await prepareProviders(prisma, loadEnvOrExit(), log).catch(async (error: unknown) => {
  await prisma.$disconnect();
  await database.close();
  exitWithProblem(error);
});
const sweeper = startHoldSweeper(prisma, log, env.HOLD_SWEEP_INTERVAL_SECONDS * 1000);
const retention = startContentRetention(prisma, log, env.CONTENT_RETENTION_DAYS);
// Before serving: the gateway, built at the first request, picks it up.
const tracing = await startTracing(env, log);

// Imported only now: React picks its build from NODE_ENV when first loaded.
const { createRequestListener } = await import("@react-router/node");
const { RouterContextProvider } = await import("react-router");
const build = (await import(pathToFileURL(serverBuildPath).href)) as ServerBuild;
const server = createHttpServer({
  prisma,
  expectedMigrations: (await readMigrations()).map((migration) => migration.name),
  app: createRequestListener({ build, mode: process.env.NODE_ENV }),
  directActions: createDirectActions(build, RouterContextProvider, log),
  publicDir: join(BUILD, "client"),
  trustProxy: env.TRUST_PROXY,
  metricsToken: env.METRICS_TOKEN,
  maxBodyBytes: env.MAX_FORM_BODY_BYTES,
  log,
});

if (env.METRICS_TOKEN) gatewayMetrics().collectProcessMetrics();

const host = env.HOST ?? (env.NODE_ENV === "production" ? "0.0.0.0" : "127.0.0.1");
server.listen(env.PORT, host, () => {
  const shownHost = host === "0.0.0.0" || host === "127.0.0.1" ? "localhost" : host;
  const url = `http://${shownHost}:${env.PORT}`;
  log.info(
    { url, database: database.description },
    `Gateway ready: dashboard and API at ${url} · database: ${database.description}`,
  );
});
server.on("error", async (error: NodeJS.ErrnoException) => {
  const message =
    error.code === "EADDRINUSE"
      ? `Port ${env.PORT} is already in use. Set PORT to another port.`
      : error.message;
  log.fatal({ code: error.code }, message);
  await shutdown(1);
});

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  log.info("shutting down: finishing open requests");
  // Stop accepting and let running requests finish; after the grace period, end
  // the rest with an error event (each billed for what it produced), then cut
  // what is left.
  const closed = new Promise((done) => server.close(done));
  server.closeIdleConnections();
  const timer = setTimeout(() => {
    void stopRunningRequests()
      .catch((error: unknown) => log.error({ err: error }, "could not end running requests"))
      .finally(() => setTimeout(() => server.closeAllConnections(), 500).unref());
  }, env.SHUTDOWN_GRACE_SECONDS * 1000);
  await closed;
  clearTimeout(timer);
  sweeper.stop();
  retention.stop();
  await closeGateway();
  // Requests have settled, so their spans have ended: send what is queued (the
  // exporter gives up after OTEL_EXPORTER_OTLP_TIMEOUT, 10 s by default).
  await tracing
    ?.shutdown()
    .catch((error: unknown) => log.warn({ err: error }, "could not export the last traces"));
  await prisma.$disconnect();
  await database.close();
  log.info("stopped");
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
