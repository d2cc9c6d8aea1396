import { getAccounts } from "#app/accounts/accounts.server.ts";
import { listAliasesApi } from "#app/api/admin-aliases-api.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { Route } from "./+types/api.admin.aliases";

export const loader = ({ request }: Route.LoaderArgs) => listAliasesApi(getAccounts(), request);

export const action = () => methodNotAllowed("GET");
