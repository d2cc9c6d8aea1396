import { pino, type Logger } from "pino";
import { singleton } from "../utils/singleton.server.ts";

export type { Logger };

/** Structured JSON logs on stdout, one object per line. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: "gateway" } });
}

/** The process's logger for code without one handed to it, at LOG_LEVEL. */
export function processLogger(): Logger {
  return singleton("logger", () => createLogger(process.env.LOG_LEVEL?.trim() || "info"));
}
