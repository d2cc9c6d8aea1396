import { getAccounts } from "#app/accounts/accounts.server.ts";
import { methodNotAllowed } from "#app/gateway/method-not-allowed.ts";
import { onrampApi } from "#app/api/payments-api.server.ts";
import type { Route } from "./+types/api.payments.onramp";

export const action = ({ request }: Route.ActionArgs) => onrampApi(getAccounts(), request);
export const loader = () => methodNotAllowed("POST");
