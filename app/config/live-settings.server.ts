// Settings read from process.env when they are needed rather than once: the
// process validated the whole environment at its start (env.server.ts), hands
// the app bundle its resolved values through process.env
// (start-gateway.server.ts), and tests change them between requests.

/** PUBLIC_URL, the URL users reach the gateway at, when it is set. */
export function publicUrlSetting(source: NodeJS.ProcessEnv = process.env): string | undefined {
  return source.PUBLIC_URL?.trim() || undefined;
}

/** LOG_LEVEL, "info" when unset. */
export function logLevelSetting(source: NodeJS.ProcessEnv = process.env): string {
  return source.LOG_LEVEL?.trim() || "info";
}
