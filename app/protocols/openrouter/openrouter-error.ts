import type { GatewayError } from "../../http/gateway-error.ts";

// OpenRouter's error shape: {"error": {"code": <the HTTP status>, "message",
// "metadata"}}. Its SDK picks the typed error by status and validates `code`
// as an integer. Our own code and param travel in `metadata`, which its schema
// leaves open, with OpenRouter's `error_type` (required there in stream chunks).
// @see https://openrouter.ai/docs/api-reference/errors

/** OpenRouter's error_type for a status (ApiErrorType in its SDK). */
function errorType(error: GatewayError) {
  switch (error.status) {
    case 400:
    case 405:
    case 411:
    case 415:
      return "invalid_request";
    case 401:
      return "authentication";
    case 402:
      return "payment_required";
    case 403:
      return "permission_denied";
    case 404:
      return "not_found";
    case 408:
    case 504:
      return "timeout";
    case 413:
      return "payload_too_large";
    case 422:
      return "unprocessable";
    case 429:
      return "rate_limit_exceeded";
    case 529:
      return "provider_overloaded";
    default:
      return error.type === "upstream_error" ? "provider_unavailable" : "server";
  }
}

/** The `error` object, as in an answer's body and in a failed stream's last chunk. */
export function openRouterError(error: GatewayError) {
  return {
    code: error.status,
    message: error.message,
    metadata: { error_type: errorType(error), gateway_code: error.code, param: error.param },
  };
}

export function openRouterErrorResponse(error: GatewayError, headers?: HeadersInit) {
  const response = Response.json(
    { error: openRouterError(error) },
    { status: error.status, headers },
  );
  if (error.retryAfter !== undefined)
    response.headers.set("Retry-After", String(Math.ceil(error.retryAfter)));
  return response;
}
