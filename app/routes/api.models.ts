import { getAccounts } from "#app/accounts/accounts.server.ts";
import { modelsApi } from "#app/api/models-api.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";

export const loader = () => modelsApi(getAccounts());

export const action = () => methodNotAllowed("GET");
