import { publicOrigin } from "./request-origin.server.ts";
import { errorResponse, GatewayError } from "./gateway-error.ts";

/**
 * Whether a request's Origin header allows it to write: absent (curl and SDKs
 * send none: not browsers, so no ambient cookie risk) or our own origin.
 * Anything else (another site, "null" from a sandboxed frame, junk) is refused.
 */
export const isOwnOrigin = (origin: string | null | undefined, ours: string) =>
  origin === null || origin === undefined || origin === ours;

/** False when a browser says the request comes from another site. */
export function isSameOrigin(request: Request) {
  return isOwnOrigin(request.headers.get("origin"), publicOrigin(request));
}

/** The answer to a cross-site write: the client's mistake (a 403), not our failure. */
export const crossSiteRefusal = (origin: string) =>
  new GatewayError(403, `Cross-site request refused (Origin ${origin.slice(0, 200)})`, {
    type: "permission_error",
    code: "csrf",
  });

/**
 * Called by every write a browser makes with our cookies (forms, sign-in and
 * sign-up included, and the JSON API): a foreign Origin is refused (CSRF). The
 * HTTP server refuses such writes before any route (http-server.server.ts);
 * this guard keeps each action safe on its own. The 403 is in the API's error
 * shape; pages show its message in their error boundary.
 */
export function requireSameOrigin(request: Request) {
  if (isSameOrigin(request)) return;
  throw errorResponse(crossSiteRefusal(request.headers.get("origin") ?? ""));
}
