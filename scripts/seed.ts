// `npm run db:seed`: makes the model catalog match app/catalog/catalog-data.ts,
// resetting prices to the list prices there (app/server/commands.server.ts).
import { loadServerBundle } from "../app/server/load-server-bundle.server.ts";

await (await loadServerBundle()).seed();
