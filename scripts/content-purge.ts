// `npm run content:purge`: erases every stored prompt and answer now (content
// logging, see LOG_CONTENT; app/server/commands.server.ts).
import { loadServerBundle } from "../app/server/load-server-bundle.server.ts";

await (await loadServerBundle()).contentPurge();
