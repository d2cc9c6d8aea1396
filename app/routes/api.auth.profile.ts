import { getAccounts } from "#app/accounts/accounts.server.ts";
import { profileApi } from "#app/api/auth-api.server.ts";
import type { Route } from "./+types/api.auth.profile";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";

export const loader = ({ request }: Route.LoaderArgs) => profileApi(getAccounts(), request);

export const action = () => methodNotAllowed("GET");
