import { jsonColumn } from "../../db/json-column.ts";
import type { Prisma } from "../../db/prisma.server.ts";
import type { AccountScope } from "../account-scope.server.ts";
import { audit } from "../audit-log.server.ts";
import { checkGuardrailPatterns } from "../guardrails/guardrail-patterns.server.ts";
import type { Guardrails } from "../guardrails/guardrail-policy.ts";

// A team's guardrails (ADR 067): every key of the team obeys them besides its own.
// Owners and admins set them; the change reaches every instance's cached keys
// through the teams trigger.

/** The team's guardrails as stored; null when it has none. */
export async function teamGuardrails(prisma: Prisma, teamId: string): Promise<Guardrails | null> {
  const team = await prisma.team.findUnique({
    where: { accountId: teamId },
    select: { guardrails: true },
  });
  return (team?.guardrails as Guardrails | null | undefined) ?? null;
}

/** Sets (null: removes) the guardrails of the scope's team, audited. */
export async function setTeamGuardrails(
  prisma: Prisma,
  request: Request,
  scope: AccountScope,
  guardrails: Guardrails | null,
) {
  checkGuardrailPatterns(guardrails);
  await prisma.team.update({
    where: { accountId: scope.accountId },
    data: { guardrails: jsonColumn(guardrails) },
  });
  await audit(prisma, request, {
    action: "team_guardrails_changed",
    actorId: scope.userId,
    subject: scope.accountId,
    details: { guardrails: guardrails && JSON.stringify(guardrails) },
  });
}
