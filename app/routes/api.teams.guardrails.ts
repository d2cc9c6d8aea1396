import { getAccounts } from "#app/accounts/accounts.server.ts";
import { getTeamGuardrailsApi, putTeamGuardrailsApi } from "#app/api/team-guardrails-api.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { Route } from "./+types/api.teams.guardrails";

export const loader = ({ request }: Route.LoaderArgs) =>
  getTeamGuardrailsApi(getAccounts(), request);

export const action = ({ request }: Route.ActionArgs) =>
  request.method === "PUT"
    ? putTeamGuardrailsApi(getAccounts(), request)
    : methodNotAllowed("GET, PUT");
