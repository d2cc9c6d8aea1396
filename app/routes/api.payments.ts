import { getAccounts } from "#app/accounts/accounts.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import { listPaymentsApi } from "#app/api/payments-api.server.ts";
import type { Route } from "./+types/api.payments";

export const loader = ({ request }: Route.LoaderArgs) => listPaymentsApi(getAccounts(), request);
export const action = () => methodNotAllowed("GET");
