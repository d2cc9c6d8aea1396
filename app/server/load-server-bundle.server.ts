// Loads the server build for the entry files. Node built-ins only: the entry
// files must run where node_modules is absent (the Docker image).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as ServerBundle from "./server-bundle.server.ts";

const SERVER_BUNDLE = join(import.meta.dirname, "..", "..", "build", "server", "index.js");

/** build/server/index.js, or exit 1 with one JSON log line saying how to make it. */
export async function loadServerBundle(): Promise<typeof ServerBundle> {
  if (!existsSync(SERVER_BUNDLE)) {
    const msg = `No app build at ${SERVER_BUNDLE}. Run \`npm run build\` (npm start does it for you).`;
    console.log(JSON.stringify({ level: 60, time: Date.now(), service: "gateway", msg }));
    process.exit(1);
  }
  return (await import(pathToFileURL(SERVER_BUNDLE).href)) as typeof ServerBundle;
}
