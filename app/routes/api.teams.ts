import { getAccounts } from "#app/accounts/accounts.server.ts";
import { createTeamApi, listTeamsApi } from "#app/api/teams-api.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { Route } from "./+types/api.teams";

export const loader = ({ request }: Route.LoaderArgs) => listTeamsApi(getAccounts(), request);

export const action = ({ request }: Route.ActionArgs) =>
  request.method === "POST" ? createTeamApi(getAccounts(), request) : methodNotAllowed("GET, POST");
