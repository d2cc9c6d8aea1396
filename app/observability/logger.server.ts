import { pino, type Logger } from "pino";
import { logLevelSetting } from "../config/live-settings.server.ts";
import { singleton } from "../utils/singleton.server.ts";

export type { Logger };

/**
 * Structured JSON logs on stdout, one object per line. Written asynchronously unless
 * `sync` (for a last line before exiting, which must not overtake earlier ones).
 */
export function createLogger(level: string, { sync = false } = {}): Logger {
  const options = { level, base: { service: "gateway" } };
  return sync ? pino(options, pino.destination({ fd: 1, sync: true })) : pino(options);
}

/** The process's logger for code without one handed to it, at LOG_LEVEL. */
export function processLogger(): Logger {
  return singleton("logger", () => createLogger(logLevelSetting()));
}

/**
 * Resolves once every line logged so far is written (at most a second), for a last
 * line before exiting. pino's flush(cb) does not wait for a write in flight, and the
 * exit handler's synchronous flush would then overtake it: lines out of order.
 */
export function endLog(log: Logger): Promise<void> {
  type Destination = Partial<NodeJS.WritableStream> & { destroyed?: boolean };
  const stream = (log as unknown as Record<symbol, Destination>)[pino.symbols.streamSym]!;
  if (typeof stream.end !== "function" || stream.destroyed) return Promise.resolve();
  return new Promise<void>((ended) => {
    setTimeout(ended, 1_000);
    stream.once?.("close", () => ended());
    stream.end!();
  });
}
