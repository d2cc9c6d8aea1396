// What `react-router build` makes into build/server/index.js (vite.config.ts):
// the app together with what the process runs, dependencies included, so that
// Node and the build are all a production image needs. The entry files
// (app/server/main.ts, scripts/*.ts) load it with load-server-bundle.server.ts.
import { join } from "node:path";
import * as build from "virtual:react-router/server-build";
import type { ServerBuild } from "react-router";
import { startGateway } from "./start-gateway.server.ts";

export { contentPurge, ledgerCheck, migrate, seed } from "./commands.server.ts";

/** Serves the app; the browser's files are beside this bundle in build/client. */
export function serve() {
  return startGateway(build as ServerBuild, join(import.meta.dirname, "..", "client"));
}
