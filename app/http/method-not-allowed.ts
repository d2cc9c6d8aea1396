import { errorResponse, GatewayError } from "./gateway-error.ts";

/** 405 with the Allow header, in the endpoint's error shape (OpenAI's unless given another). */
export function methodNotAllowed(
  allowed: string,
  render: (error: GatewayError, headers: Record<string, string>) => Response = errorResponse,
) {
  return render(
    new GatewayError(405, `Use ${allowed} for this endpoint`, {
      type: "invalid_request_error",
      code: "method_not_allowed",
    }),
    { Allow: allowed },
  );
}
