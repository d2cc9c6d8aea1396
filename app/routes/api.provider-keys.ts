import { getAccounts } from "#app/accounts/accounts.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import { listOwnKeysApi } from "#app/api/own-provider-keys-api.server.ts";
import type { Route } from "./+types/api.provider-keys";

export const loader = ({ request }: Route.LoaderArgs) => listOwnKeysApi(getAccounts(), request);

export const action = () => methodNotAllowed("GET");
