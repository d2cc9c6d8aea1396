import { GatewayError } from "../http/gateway-error.ts";
import { UpstreamError } from "../providers/adapter.ts";

/** The error code a usage row and a log line carry for how a request failed. */
export function errorCodeOf(error: unknown): string | null {
  if (error instanceof UpstreamError || error instanceof GatewayError) return error.code;
  return error ? "upstream_error" : null;
}

/** The code the access log names a failure by: only ours and the provider's have one. */
export function loggedErrorCode(error: unknown): string | null | undefined {
  return error instanceof UpstreamError || error instanceof GatewayError ? error.code : undefined;
}

/** A failure as the client is told it, in its protocol's error shape. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof UpstreamError) {
    return new GatewayError(error.status, error.message, {
      type:
        error.status === 429
          ? "rate_limit_error"
          : error.status === 400
            ? "invalid_request_error"
            : "upstream_error",
      code: error.code,
      retryAfter:
        error.status === 429 ? Math.max(1, error.retryAfterSeconds ?? 1) : error.retryAfterSeconds,
    });
  }
  return new GatewayError(502, "The provider failed", {
    type: "upstream_error",
    code: "upstream_error",
  });
}

/** How a run ends, as its usage row and access log say. */
export type Status = "SUCCESS" | "ERROR" | "CANCELLED";

/**
 * How a provider stream that ended without throwing really ended: the SDKs end
 * silently both when we aborted them and when the body was cut before the
 * finish reason, so we check for both ourselves.
 */
export function runOutcome(
  revoked: GatewayError | undefined,
  aborted: boolean,
  finishReason: string | undefined,
): { status: Status; error?: GatewayError } {
  if (revoked) return { status: "ERROR", error: revoked };
  if (aborted) return { status: "CANCELLED" };
  if (finishReason) return { status: "SUCCESS" };
  return {
    status: "ERROR",
    error: new GatewayError(502, "The provider's stream ended before the answer was complete", {
      type: "upstream_error",
      code: "upstream_truncated",
    }),
  };
}
