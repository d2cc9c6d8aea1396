// WEB_CONCURRENCY > 1 (ADR 057): this process becomes the primary. It has already
// opened the database (the embedded PostgreSQL and its DATA_DIR lock are its own),
// migrated, and resolved the secrets into process.env; the workers it forks inherit
// those and each runs the normal gateway on that DATABASE_URL, binding PORT itself
// with SO_REUSEPORT so that connections never pass through this process.
import cluster, { type Worker } from "node:cluster";
import { createServer } from "node:net";
import type { Database } from "./database.server.ts";
import { endLog, type Logger } from "../observability/logger.server.ts";

/** What a worker sends once it is ready to serve, and waits for before it binds PORT. */
const WORKER_BUILT = "gateway-worker-built";
const LISTEN = "gateway-listen";
/** What a worker sends once it listens (it binds its own socket: cluster's "listening" never fires). */
const WORKER_READY = "gateway-worker-ready";

/**
 * In a worker, resolves once every worker is ready to serve, so that the port opens with
 * all of them (the first connections are not all one worker's); elsewhere at once.
 */
export function whenAllWorkersBuilt() {
  if (!cluster.isWorker) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const onMessage = (message: { type?: string } | undefined) => {
      if (message?.type !== LISTEN) return;
      process.off("message", onMessage);
      resolve();
    };
    process.on("message", onMessage);
    process.send?.({ type: WORKER_BUILT });
  });
}

/** In a worker, tells the primary the start went well; elsewhere nothing. */
export function reportWorkerReady() {
  if (cluster.isWorker) process.send?.({ type: WORKER_READY });
}

/** In a worker, the options that let it bind PORT beside its siblings; elsewhere none. */
export function workerListenOptions() {
  // exclusive: the worker binds the socket itself instead of asking the primary for a shared one.
  // @see https://nodejs.org/api/net.html#serverlistenoptions-callback (reusePort, Node >= 22.12)
  return cluster.isWorker ? { reusePort: true, exclusive: true } : {};
}

export interface WorkersOptions {
  count: number;
  port: number;
  host: string;
  /** What the workers' environment differs in from this one's (the operator's NODE_ENV). */
  env: Record<string, string>;
  database: Database;
  log: Logger;
}

/** A worker that lived this long before dying starts the backoff again from its first step. */
const STABLE_MS = 60_000;
const FIRST_RESTART_DELAY_MS = 1_000;
const LONGEST_RESTART_DELAY_MS = 30_000;

/**
 * Forks `count` workers and keeps them running until SIGTERM or SIGINT, which it
 * passes on to each; once all have finished their requests and exited, it closes
 * the database and exits (0 when every worker exited with 0).
 */
export async function runWorkers(options: WorkersOptions) {
  const { count, database, log } = options;
  // A port another process holds (with SO_REUSEPORT or without) is refused here, before any
  // worker starts: workers would otherwise share it with another gateway without a word.
  await ensurePortFree(options.port, options.host).catch(async (error: NodeJS.ErrnoException) => {
    const message =
      error.code === "EADDRINUSE"
        ? `Port ${options.port} is already in use. Set PORT to another port.`
        : error.message;
    log.fatal({ code: error.code }, message);
    await database.close();
    await endLog(log);
    process.exit(1);
  });

  let started = false;
  let stopping: Promise<void> | undefined;
  let restartsInARow = 0;
  const ready = new Set<Worker>();
  const built = new Set<Worker>();
  const restartTimers = new Set<NodeJS.Timeout>();

  function fork() {
    const worker = cluster.fork(options.env);
    const forkedAt = Date.now();
    worker.on("message", (message: { type?: string } | undefined) => {
      if (message?.type === WORKER_BUILT) {
        built.add(worker);
        // A replacement listens at once; the first ones together.
        if (started) worker.send({ type: LISTEN });
        else if (built.size === count) built.forEach((each) => each.send({ type: LISTEN }));
        return;
      }
      if (message?.type !== WORKER_READY) return;
      ready.add(worker);
      if (!started && ready.size === count) {
        started = true;
        log.info(
          { workers: count, pids: [...ready].map((each) => each.process.pid) },
          `${count} workers serving on port ${options.port} · database: ${database.description}`,
        );
      }
    });
    worker.on("exit", (code, signal) => {
      ready.delete(worker);
      built.delete(worker);
      if (stopping) return;
      const detail = { worker: worker.id, pid: worker.process.pid, code, signal };
      // A worker that cannot start (port taken, database gone) would fail again: stop instead of looping.
      if (!started) {
        log.fatal(detail, "a worker failed to start: stopping the others");
        void shutdown(1);
        return;
      }
      if (Date.now() - forkedAt > STABLE_MS) restartsInARow = 0;
      const delayMs = Math.min(
        LONGEST_RESTART_DELAY_MS,
        FIRST_RESTART_DELAY_MS * 2 ** restartsInARow++,
      );
      log.error({ ...detail, restartInMs: delayMs }, "a worker exited unexpectedly: restarting it");
      const timer = setTimeout(() => {
        restartTimers.delete(timer);
        if (!stopping) fork();
      }, delayMs);
      restartTimers.add(timer);
    });
  }

  function stop() {
    return (stopping ??= (async () => {
      restartTimers.forEach((timer) => clearTimeout(timer));
      const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
      log.info({ workers: workers.length }, "shutting down: each worker finishes its requests");
      const codes = await Promise.all(
        workers.map((worker) => {
          const exited = new Promise<number | null>((resolve) =>
            worker.isDead()
              ? resolve(worker.process.exitCode)
              : worker.once("exit", (code: number | null) => resolve(code)),
          );
          if (!worker.isDead()) worker.process.kill("SIGTERM");
          return exited;
        }),
      );
      const failed = codes.filter((code) => code !== 0).length;
      if (failed > 0) log.error({ failed }, "some workers did not exit cleanly");
      exitCode = failed > 0 ? 1 : 0;
      await database.close();
    })());
  }
  let exitCode = 0;
  async function shutdown(code: number) {
    await stop();
    log.info("stopped");
    await endLog(log);
    process.exit(code || exitCode);
  }
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  for (let i = 0; i < count; i++) fork();
}

function ensurePortFree(port: number, host: string) {
  return new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}
