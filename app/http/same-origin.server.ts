import { publicOrigin } from "../utils/request-origin.server.ts";
import { errorResponse, GatewayError } from "./gateway-error.ts";

/** False when a browser says the request comes from another site. */
export function isSameOrigin(request: Request) {
  const origin = request.headers.get("origin");
  return !origin || origin === publicOrigin(request);
}

/**
 * Called by every write a browser makes with our cookies (forms, sign-in and
 * sign-up included, and the JSON API): a foreign Origin is refused (CSRF).
 * Clients that send no Origin (curl, SDKs) are not browsers and carry no
 * ambient cookie risk. The 403 is in the API's error shape; pages show its
 * message in their error boundary.
 */
export function requireSameOrigin(request: Request) {
  if (isSameOrigin(request)) return;
  throw errorResponse(
    new GatewayError(403, `Cross-site request refused (Origin ${request.headers.get("origin")})`, {
      type: "permission_error",
      code: "csrf",
    }),
  );
}
