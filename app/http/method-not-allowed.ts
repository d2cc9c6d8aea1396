import { errorResponse, GatewayError } from "./gateway-error.ts";

export function methodNotAllowed(allowed: string) {
  return errorResponse(
    new GatewayError(405, `Use ${allowed} for this endpoint`, {
      type: "invalid_request_error",
      code: "method_not_allowed",
    }),
    { Allow: allowed },
  );
}
