import { missingV1 } from "#app/gateway/endpoints/unserved-api-paths.ts";
import type { Route } from "./+types/unversioned-api";

// /chat/completions, /responses, /messages, /embeddings: a client whose base URL lacks /v1.
// Any method: a JSON 404 that says where to send it (docs/decisions/039-json-on-every-api-path.md).
export const loader = ({ request }: Route.LoaderArgs) => missingV1(request);
export const action = ({ request }: Route.ActionArgs) => missingV1(request);
