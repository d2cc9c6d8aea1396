import { getAccounts } from "#app/accounts/accounts.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import { onrampApi } from "#app/api/payments-api.server.ts";
import { getPaymentSettings } from "#app/payments/payment-settings.server.ts";
import type { Route } from "./+types/api.payments.onramp";

export const action = async ({ request }: Route.ActionArgs) =>
  request.method === "POST"
    ? onrampApi(getAccounts(), await getPaymentSettings(), request)
    : methodNotAllowed("POST");
export const loader = () => methodNotAllowed("POST");
