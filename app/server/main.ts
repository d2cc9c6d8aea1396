// The gateway process: `node app/server/main.ts` (what `npm start` runs after
// building, and the Docker image's command). The server itself is in the
// build (app/server/start-gateway.server.ts, bundled by vite.config.ts).
import { applyHeapFlags } from "./heap-flags.server.ts";

applyHeapFlags();
const { loadServerBundle } = await import("./load-server-bundle.server.ts");
await (await loadServerBundle()).serve();
