import { isDatabaseUnavailable } from "../db/database-unavailable.server.ts";
import { DATABASE_UNAVAILABLE, GatewayError, INTERNAL_ERROR } from "../http/gateway-error.ts";
import type { Gateway } from "./gateway.server.ts";
import { openRouterErrorResponse } from "../protocols/openrouter/openrouter-error.ts";

/**
 * Runs a GET of OpenRouter's API (/api/v1): a GatewayError becomes its answer
 * in OpenRouter's error shape, an unreachable database a 503, anything else a
 * logged 500.
 */
export async function openRouterApi(
  gateway: Gateway,
  handler: () => Promise<Response>,
): Promise<Response> {
  try {
    return await handler();
  } catch (caught) {
    const error = isDatabaseUnavailable(caught) ? DATABASE_UNAVAILABLE : caught;
    if (error instanceof GatewayError) return openRouterErrorResponse(error);
    gateway.log.error({ err: error }, "OpenRouter API request failed");
    return openRouterErrorResponse(INTERNAL_ERROR);
  }
}
