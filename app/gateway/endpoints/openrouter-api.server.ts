import type { Gateway } from "../gateway.server.ts";
import { runUnbilled, type Endpoint } from "../pipeline.server.ts";
import { openRouterErrorResponse } from "../../protocols/openrouter/openrouter-error.ts";

const OPENROUTER_API: Endpoint = {
  error: openRouterErrorResponse,
  failed: "OpenRouter API request failed",
};

/**
 * Runs a GET of OpenRouter's API (/api/v1): a GatewayError becomes its answer
 * in OpenRouter's error shape, an unreachable database a 503, anything else a
 * logged 500 (the pipeline's error catch).
 */
export function openRouterApi(gateway: Gateway, handler: () => Promise<Response>) {
  return runUnbilled(gateway, OPENROUTER_API, handler);
}
