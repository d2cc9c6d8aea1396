import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data } from "react-router";
import type { z } from "zod";
import { can } from "#app/accounts/account-scope.server.ts";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { audit } from "#app/accounts/audit-log.server.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { switchAccount } from "#app/accounts/session.server.ts";
import {
  createInvitation,
  pendingInvitations,
  revokeInvitation,
} from "#app/accounts/teams/team-invitations.server.ts";
import {
  changeRole,
  deleteTeam,
  listMembers,
  listTeamsOf,
  openTeam,
  removeMember,
  setMemberLimit,
  TeamRuleError,
} from "#app/accounts/teams/teams.server.ts";
import {
  CreateTeamSchema,
  DeleteTeamSchema,
  InviteSchema,
  MemberLimitSchema,
  MemberRoleSchema,
  TeamButtonSchema,
  teamFormId,
} from "#app/accounts/teams/teams-fields.ts";
import { readForm } from "#app/http/read-form.server.ts";
import { GuardrailPatternError } from "#app/accounts/guardrails/guardrail-patterns.server.ts";
import {
  describeGuardrails,
  formFromPolicy,
  GuardrailsFormSchema,
  policyFromForm,
} from "#app/accounts/guardrails/guardrail-form.ts";
import { setTeamGuardrails, teamGuardrails } from "#app/accounts/teams/team-guardrails.server.ts";
import { publicOrigin } from "#app/http/request-origin.server.ts";
import { spendByMember } from "#app/usage/usage-query.server.ts";
import { creditsToMicro, formatMoney, MICRO_PER_CREDIT } from "#app/utils/money.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";

// The Teams page's loader and action (the page is dashboard.teams.tsx). Only
// owners change members; every form answers in place: an error beside its
// field, what was typed kept.

const FORM_SCHEMAS = {
  create: CreateTeamSchema,
  invite: InviteSchema,
  role: MemberRoleSchema,
  limit: MemberLimitSchema,
  delete: DeleteTeamSchema,
} as const;

export async function loadTeamsPage({ request }: { request: Request }) {
  const scope = await requirePageScope(request);
  const { prisma } = getAccounts();
  const teams = await listTeamsOf(prisma, scope.userId);
  if (!scope.team) return { teams, current: null };
  const [members, spend, invitations, guardrails] = await Promise.all([
    listMembers(prisma, scope.accountId),
    spendByMember(prisma, scope.accountId),
    can(scope, "members") ? pendingInvitations(prisma, scope.accountId) : [],
    teamGuardrails(prisma, scope.accountId),
  ]);
  return {
    teams,
    current: {
      id: scope.accountId,
      name: scope.team.name,
      role: scope.role,
      manages: can(scope, "members"),
      setsLimits: can(scope, "allKeys"),
      members: members.map((member) => ({
        userId: member.userId,
        email: member.email,
        role: member.role,
        monthlyLimit:
          member.monthlyLimit === null ? null : String(member.monthlyLimit / MICRO_PER_CREDIT),
        you: member.userId === scope.userId,
        joined: member.createdAt.toISOString().slice(0, 10),
        thisMonth: formatMoney(spend.find((row) => row.userId === member.userId)?.thisMonth ?? 0n),
      })),
      invitations: invitations.map((invitation) => ({
        id: invitation.id,
        role: invitation.role,
        expiresAt: invitation.expiresAt.toISOString(),
      })),
      guardrails: describeGuardrails(guardrails),
      guardrailValues: formFromPolicy(guardrails),
    },
  };
}

type Scope = Awaited<ReturnType<typeof requirePageScope>>;

export async function teamsPageAction({ request }: { request: Request }) {
  const scope = await requirePageScope(request);
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "guardrails") return saveGuardrails(request, scope, form);
  if (typeof intent === "string" && intent in FORM_SCHEMAS) {
    const submission = parseWithZod(form, {
      schema: FORM_SCHEMAS[intent as keyof typeof FORM_SCHEMAS],
    });
    const formId = teamFormId(intent, submission.payload.userId as string | undefined);
    if (submission.status !== "success")
      return data({ form: formId, result: submission.reply() }, { status: 400 });
    const replies = {
      refuse: (message: string, status: number) =>
        data({ form: formId, result: submission.reply({ formErrors: [message] }) }, { status }),
      // Done: the form starts empty again.
      reset: () => submission.reply({ resetForm: true }),
    };
    try {
      return await formAction(request, scope, submission.value, replies);
    } catch (error) {
      if (error instanceof TeamRuleError) return replies.refuse(error.message, 409);
      throw error;
    }
  }
  const parsed = TeamButtonSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) throw data("This form is incomplete", { status: 400 });
  const input = parsed.data;
  if (!scope.team) throw data("Switch to a team first", { status: 400 });
  const teamId = scope.accountId;
  const { prisma } = getAccounts();
  const actor = { actorId: scope.userId };
  const answer = (message: string, status: number) =>
    data(
      { form: teamFormId(input.intent, "userId" in input ? input.userId : undefined), message },
      { status },
    );
  if (input.intent === "leave") return leave(request, scope, teamId, answer);
  if (!can(scope, "members"))
    throw data(`Only the team's owners can do this; you are ${scope.role.toLowerCase()}.`, {
      status: 403,
    });
  if (input.intent === "revoke") {
    if (!(await revokeInvitation(prisma, teamId, input.id)))
      throw data("No such invitation", { status: 404 });
    await audit(prisma, request, { action: "invitation_revoked", ...actor, subject: input.id });
    return redirectWithToast("/dashboard/teams", "Invitation revoked: its link no longer works.");
  }
  try {
    if (!(await removeMember(prisma, teamId, input.userId)))
      throw data("No such member", { status: 404 });
  } catch (error) {
    if (error instanceof TeamRuleError) return answer(error.message, 409);
    throw error;
  }
  await audit(prisma, request, {
    action: "member_removed",
    ...actor,
    subject: input.userId,
    details: { team: teamId },
  });
  return redirectWithToast(
    "/dashboard/teams",
    "Member removed: their keys in this team no longer work.",
  );
}

type Replies = {
  refuse: (
    message: string,
    status: number,
  ) => ReturnType<typeof data<{ form: string; result: SubmissionResult<string[]> }>>;
  reset: () => SubmissionResult<string[]>;
};

type FormInput =
  | z.output<typeof CreateTeamSchema>
  | z.output<typeof InviteSchema>
  | z.output<typeof MemberRoleSchema>
  | z.output<typeof MemberLimitSchema>
  | z.output<typeof DeleteTeamSchema>;

/** The forms with fields: a refusal the form can show comes back through `refuse`. */
async function formAction(
  request: Request,
  scope: Scope,
  input: FormInput,
  { refuse, reset }: Replies,
) {
  const { prisma, signingSecret } = getAccounts();
  const actor = { actorId: scope.userId };
  if (input.intent === "create") {
    const teamId = await openTeam(prisma, request, scope.userId, input.name);
    if (input.switch) {
      await switchAccount(getAccounts(), scope.sessionId, teamId);
      return redirectWithToast(
        "/dashboard/teams",
        `Team ${input.name} created: you work in it now. Invite its members below.`,
      );
    }
    // Created, not switched to: the page says so and offers the switch (ADR 048).
    return {
      form: "create",
      created: { id: teamId, name: input.name },
      result: reset(),
    };
  }
  if (!scope.team) return refuse("Switch to a team first.", 400);
  const teamId = scope.accountId;
  if (input.intent === "limit") {
    if (!can(scope, "allKeys"))
      return refuse(`Only owners and admins set limits; you are ${scope.role.toLowerCase()}.`, 403);
    return limitMember(request, scope, input);
  }
  if (!can(scope, "members"))
    return refuse(`Only the team's owners can do this; you are ${scope.role.toLowerCase()}.`, 403);
  switch (input.intent) {
    case "invite": {
      const { invitation, token } = await createInvitation(prisma, signingSecret, {
        teamId,
        role: input.role,
        createdById: scope.userId,
        days: input.days,
      });
      await audit(prisma, request, {
        action: "member_invited",
        ...actor,
        subject: invitation.id,
        details: { team: teamId, role: input.role },
      });
      return {
        form: "invite",
        inviteLink: `${publicOrigin(request)}/invite/${token}`,
        role: input.role.toLowerCase(),
        expiresAt: invitation.expiresAt.toISOString(),
        result: reset(),
      };
    }
    case "role":
      if (!(await changeRole(prisma, teamId, input.userId, input.role)))
        throw data("No such member", { status: 404 });
      await audit(prisma, request, {
        action: "member_role_changed",
        ...actor,
        subject: input.userId,
        details: { team: teamId, role: input.role },
      });
      return redirectWithToast(
        "/dashboard/teams",
        input.role === "VIEWER"
          ? "Role changed: the keys they made are refused until they are a member again."
          : "Role changed.",
      );
    case "delete":
      await deleteTeam(prisma, teamId);
      await switchAccount(getAccounts(), scope.sessionId, null);
      await audit(prisma, request, { action: "team_deleted", ...actor, subject: teamId });
      return redirectWithToast("/dashboard/teams", `Team ${scope.team.name} deleted.`);
  }
}

async function limitMember(
  request: Request,
  scope: Scope,
  input: z.output<typeof MemberLimitSchema>,
) {
  const { prisma } = getAccounts();
  const limit = input.monthlyLimit === undefined ? null : creditsToMicro(input.monthlyLimit);
  if (!(await setMemberLimit(prisma, scope.accountId, input.userId, limit)))
    throw data("No such member", { status: 404 });
  await audit(prisma, request, {
    action: "member_limit_changed",
    actorId: scope.userId,
    subject: input.userId,
    details: { team: scope.accountId, monthlyLimit: limit?.toString() ?? null },
  });
  return redirectWithToast(
    "/dashboard/teams",
    limit === null
      ? "Monthly limit removed."
      : "Monthly limit saved: it applies from the next request.",
  );
}

async function leave(
  request: Request,
  scope: Scope,
  teamId: string,
  refuse: (
    message: string,
    status: number,
  ) => ReturnType<typeof data<{ form: string; message: string }>>,
) {
  const { prisma } = getAccounts();
  try {
    await removeMember(prisma, teamId, scope.userId);
  } catch (error) {
    if (error instanceof TeamRuleError) return refuse(error.message, 409);
    throw error;
  }
  await switchAccount(getAccounts(), scope.sessionId, null);
  await audit(prisma, request, {
    action: "member_left",
    actorId: scope.userId,
    subject: scope.userId,
    details: { team: teamId },
  });
  return redirectWithToast("/dashboard/teams", `You left ${scope.team?.name ?? "the team"}.`);
}

/** The team's guardrails from the form (ADR 067): owners and admins only; refusals answer in place. */
async function saveGuardrails(request: Request, scope: Scope, form: FormData) {
  const submission = parseWithZod(form, { schema: GuardrailsFormSchema });
  const refuse = (
    errors: { fieldErrors?: Record<string, string[]>; formErrors?: string[] },
    status: number,
  ) => data({ form: "guardrails", result: submission.reply(errors) }, { status });
  if (submission.status !== "success")
    return data({ form: "guardrails", result: submission.reply() }, { status: 400 });
  if (!scope.team) return refuse({ formErrors: ["Switch to a team first."] }, 400);
  if (!can(scope, "allKeys"))
    return refuse(
      {
        formErrors: [
          `Only owners and admins change guardrails; you are ${scope.role.toLowerCase()}.`,
        ],
      },
      403,
    );
  const described = policyFromForm(submission.value);
  if ("fieldErrors" in described) return refuse({ fieldErrors: described.fieldErrors }, 400);
  try {
    await setTeamGuardrails(getAccounts().prisma, request, scope, described.policy);
  } catch (error) {
    if (!(error instanceof GuardrailPatternError)) throw error;
    return refuse({ fieldErrors: { customRules: [error.message] } }, 400);
  }
  return redirectWithToast(
    "/dashboard/teams",
    "Guardrails saved: every key of the team obeys them from its next request.",
  );
}
