import { GatewayError } from "../http/gateway-error.ts";
import { invalidKey } from "./authenticate.server.ts";

/** Why a request's hold was refused, as the client's answer: 402, 403 or 401. */
export function refusal(
  reason: "insufficient_credits" | "key_limit" | "key_inactive",
  affordable: number,
  requested: number | undefined,
) {
  if (reason === "key_inactive") return invalidKey();
  const detail =
    requested === undefined
      ? "it cannot pay for a single output token"
      : `it affords at most ${Math.max(0, affordable)} output tokens, ${requested} were requested`;
  if (reason === "key_limit") {
    return new GatewayError(403, `This API key has reached its credit limit: ${detail}`, {
      type: "permission_error",
      code: "key_credit_limit_reached",
    });
  }
  return new GatewayError(402, `Insufficient credits: ${detail}. Add credits in the dashboard.`, {
    type: "insufficient_credits",
    code: "insufficient_credits",
  });
}
