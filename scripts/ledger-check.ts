// `npm run ledger:check`: checks every account and key against its history
// (app/server/commands.server.ts); exits 1 on any discrepancy. Run it while no
// gateway serves requests: running requests hold credits.
import { loadServerBundle } from "../app/server/load-server-bundle.server.ts";

await (await loadServerBundle()).ledgerCheck();
