import { getAccounts } from "#app/accounts/accounts.server.ts";
import { serveImageFile } from "#app/gateway/endpoints/images/image-files.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { Route } from "./+types/v1.images.files.$id";

// An image answered by URL (ADR 072): its bytes until it expires, then a 404.
export const loader = ({ params }: Route.LoaderArgs) =>
  serveImageFile(getAccounts().prisma, params.id);

export const action = () => methodNotAllowed("GET");
