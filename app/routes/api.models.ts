import { getAccounts } from "#app/accounts/accounts.server.ts";
import { modelsApi } from "#app/api/models-api.server.ts";

export const loader = () => modelsApi(getAccounts());
