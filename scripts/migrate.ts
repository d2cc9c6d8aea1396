// `npm run db:migrate`, and fly.toml's release command: applies pending
// migrations and adds missing catalog rows (app/server/commands.server.ts).
import { loadServerBundle } from "../app/server/load-server-bundle.server.ts";

await (await loadServerBundle()).migrate();
