import { nextPeriodStart, periodAdjective } from "../billing/limit-period.ts";
import type { Reservation } from "../billing/reservations.ts";
import { GatewayError } from "../http/gateway-error.ts";
import { invalidKey } from "./authenticate.server.ts";

/** Why a request's hold was refused, as the client's answer: 402, 403 or 401. */
export function holdRefusedError(
  hold: Extract<Reservation, { ok: false }>,
  requested: number | undefined,
) {
  if (hold.reason === "key_inactive") return invalidKey();
  const detail =
    requested === undefined
      ? "it cannot pay for a single output token"
      : `it affords at most ${Math.max(0, hold.affordableTokens)} output tokens, ${requested} were requested`;
  if (hold.reason === "key_limit") {
    return new GatewayError(403, `This API key has reached its credit limit: ${detail}`, {
      type: "permission_error",
      code: "key_credit_limit_reached",
    });
  }
  if (hold.reason === "key_period_limit") {
    const period = hold.period ?? "month";
    const resets = nextPeriodStart(period).toISOString();
    return new GatewayError(
      403,
      `This API key has reached its ${periodAdjective(period)} credit limit: ${detail}. It starts again at ${resets}.`,
      { type: "permission_error", code: "key_period_limit_reached" },
    );
  }
  if (hold.reason === "member_limit") {
    const resets = nextPeriodStart("month").toISOString();
    return new GatewayError(
      403,
      `You have reached your monthly credit limit in this team: ${detail}. It starts again at ${resets}; a team owner or admin can raise it.`,
      { type: "permission_error", code: "member_monthly_limit_reached" },
    );
  }
  return new GatewayError(402, `Insufficient credits: ${detail}. Add credits in the dashboard.`, {
    type: "insufficient_credits",
    code: "insufficient_credits",
  });
}
