import { unservedApiPath } from "#app/gateway/endpoints/unserved-api-paths.ts";
import type { Route } from "./+types/v1.$";

// Every path under /v1 that no other route serves, with any method: a JSON 404.
// A splat loses to every specific route, so an endpoint added later stays its own.
export const loader = ({ request }: Route.LoaderArgs) => unservedApiPath(request);
export const action = ({ request }: Route.ActionArgs) => unservedApiPath(request);
