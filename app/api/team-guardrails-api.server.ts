import { z } from "zod";
import type { Accounts } from "../accounts/accounts.server.ts";
import type { AccountScope } from "../accounts/account-scope.server.ts";
import { GuardrailPatternError } from "../accounts/guardrails/guardrail-patterns.server.ts";
import { GuardrailsSchema } from "../accounts/guardrails/guardrail-policy.ts";
import { requireApiScope } from "../accounts/require-user.server.ts";
import { setTeamGuardrails, teamGuardrails } from "../accounts/teams/team-guardrails.server.ts";
import { GatewayError, invalidRequest } from "../http/gateway-error.ts";
import { jsonApi, readBody } from "./api-helpers.server.ts";

// GET and PUT /api/teams/guardrails with X-Team (or ?team=): the policy every key
// of the team obeys (ADR 067). Reading is for every member; changing, for owners
// and admins (the "allKeys" permission).

const BodySchema = z.object({
  guardrails: GuardrailsSchema.nullable(),
});

function teamOf(scope: AccountScope) {
  if (!scope.team)
    throw new GatewayError(400, "Guardrails here are a team's: send X-Team: <team id>", {
      type: "invalid_request_error",
      code: "team_required",
      param: "team",
    });
  return scope.accountId;
}

/** GET /api/teams/guardrails */
export const getTeamGuardrailsApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    const scope = await requireApiScope(accounts, request);
    return Response.json({ guardrails: await teamGuardrails(accounts.prisma, teamOf(scope)) });
  });

/** PUT /api/teams/guardrails {guardrails} */
export const putTeamGuardrailsApi = (accounts: Accounts, request: Request) =>
  jsonApi(async () => {
    const scope = await requireApiScope(accounts, request, "allKeys");
    teamOf(scope);
    const { guardrails } = await readBody(request, BodySchema);
    try {
      await setTeamGuardrails(accounts.prisma, request, scope, guardrails);
    } catch (error) {
      if (error instanceof GuardrailPatternError)
        throw invalidRequest(`${error.field}: ${error.message}`, error.field);
      throw error;
    }
    return Response.json({ guardrails });
  });
