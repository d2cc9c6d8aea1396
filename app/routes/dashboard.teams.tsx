import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form } from "react-router";
import type { z } from "zod";
import { can } from "#app/accounts/account-scope.server.ts";
import { ROLE_HELP } from "#app/accounts/teams/team-rules.ts";
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
import { CopyButton } from "#app/components/copy-button.tsx";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import {
  ButtonForm,
  CreateTeamForm,
  DeleteTeamForm,
  InviteForm,
  MemberLimitForm,
  MemberRoleForm,
  type TeamAnswer,
} from "#app/components/team-forms.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";
import { readForm } from "#app/http/read-form.server.ts";
import { spendByMember } from "#app/usage/usage-query.server.ts";
import { creditsToMicro, formatMoney, MICRO_PER_CREDIT } from "#app/utils/money.ts";
import { publicOrigin } from "#app/http/request-origin.server.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";
import type { Route } from "./+types/dashboard.teams";

// Teams (ADR 030, 048): the user's teams and a form to make one; for the team
// in use, its members with their spend, invitations by link, and leaving or
// deleting it. Only owners change members; every member sees them. Every form
// answers in place: an error beside its field, what was typed kept.

const FORM_SCHEMAS = {
  create: CreateTeamSchema,
  invite: InviteSchema,
  role: MemberRoleSchema,
  limit: MemberLimitSchema,
  delete: DeleteTeamSchema,
} as const;

export async function loader({ request }: Route.LoaderArgs) {
  const scope = await requirePageScope(request);
  const { prisma } = getAccounts();
  const teams = await listTeamsOf(prisma, scope.userId);
  if (!scope.team) return { teams, current: null };
  const [members, spend, invitations] = await Promise.all([
    listMembers(prisma, scope.accountId),
    spendByMember(prisma, scope.accountId),
    can(scope, "members") ? pendingInvitations(prisma, scope.accountId) : [],
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
    },
  };
}

type Scope = Awaited<ReturnType<typeof requirePageScope>>;

export async function action({ request }: Route.ActionArgs) {
  const scope = await requirePageScope(request);
  const form = await readForm(request);
  const intent = form.get("intent");
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

export const meta: Route.MetaFunction = () => [{ title: "Teams · LLM Gateway" }];

export default function Teams({ loaderData, actionData }: Route.ComponentProps) {
  const { teams, current } = loaderData;
  const answer = actionData as TeamAnswer | undefined;
  const created = actionData && "created" in actionData ? actionData.created : undefined;
  const invited =
    actionData && "inviteLink" in actionData && actionData.inviteLink ? actionData : null;
  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">Teams</h1>
      <Card>
        <CardHeader>
          <CardTitle>Your teams</CardTitle>
          <CardDescription>
            A team has its own credits, keys and usage, shared by its members. Pick the account you
            work in here or in the header.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          {teams.length === 0 ? (
            <p className="text-sm text-muted-foreground">You are in no team yet.</p>
          ) : (
            <ul className="grid gap-2" aria-label="Your teams">
              {teams.map((team) => (
                <li key={team.id} className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">{team.name}</span>
                  <Badge variant="outline">{team.role.toLowerCase()}</Badge>
                  {current?.id === team.id ? (
                    <span className="text-sm text-muted-foreground">(in use)</span>
                  ) : (
                    <SwitchForm team={team} label={`Work in ${team.name}`} />
                  )}
                </li>
              ))}
            </ul>
          )}
          {created && created.id !== current?.id ? (
            <div
              role="status"
              className="flex flex-wrap items-center gap-3 rounded-md border border-primary p-3 text-sm"
            >
              <p>
                Team {created.name} created. You still work in{" "}
                {current ? current.name : "your personal account"}; switch when you want to add its
                credits, keys or members.
              </p>
              <SwitchForm team={created} label={`Switch to ${created.name}`} />
            </div>
          ) : null}
          {/* A new team in the list starts the form afresh (a redirect keeps the page mounted). */}
          <CreateTeamForm key={teams.length} answer={answer} />
        </CardContent>
      </Card>
      {current ? <CurrentTeam team={current} invited={invited} answer={answer} /> : null}
    </div>
  );
}

/** Works in `team` (the header's switcher, as a button), and comes back here. */
function SwitchForm({ team, label }: { team: { id: string }; label: string }) {
  return (
    <Form method="post" action="/dashboard/switch">
      <input type="hidden" name="account" value={team.id} />
      <input type="hidden" name="redirectTo" value="/dashboard/teams" />
      <Button type="submit" size="sm" variant="outline">
        {label}
      </Button>
    </Form>
  );
}

type CurrentTeamData = NonNullable<Route.ComponentProps["loaderData"]["current"]>;
type Invited = { inviteLink: string; role: string; expiresAt: string } | null;

function CurrentTeam({
  team,
  invited,
  answer,
}: {
  team: CurrentTeamData;
  invited: Invited;
  answer: TeamAnswer | undefined;
}) {
  return (
    <>
      <Card>
        <CardHeader>
          <CardTitle>Members of {team.name}</CardTitle>
          <CardDescription>
            Your role: {team.role.toLowerCase()}. Spend counts the requests of the keys each member
            made; see it by request under Usage.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <div tabIndex={0} className="overflow-x-auto">
            <table className="max-sm:table-cards w-full text-sm" aria-label="Members">
              <thead className="text-left">
                <tr>
                  <th className="px-3 py-2 font-medium">Member</th>
                  <th className="px-3 py-2 font-medium">Role</th>
                  <th className="px-3 py-2 text-right font-medium">Credits this month</th>
                  <th className="px-3 py-2 font-medium">Monthly limit</th>
                  <th className="px-3 py-2 font-medium">Joined</th>
                  {team.manages ? (
                    <th className="px-3 py-2 font-medium">
                      <span className="sr-only">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {team.members.map((member) => (
                  <tr key={member.userId} className="border-t align-top">
                    <td className="px-3 py-2">
                      {member.email}
                      {member.you ? <span className="text-muted-foreground"> (you)</span> : null}
                    </td>
                    <td data-label="Role" className="px-3 py-2">
                      {member.role.toLowerCase()}
                    </td>
                    <td data-label="Credits this month" className="px-3 py-2 text-right">
                      {member.thisMonth}
                    </td>
                    <td data-label="Monthly limit" className="px-3 py-2">
                      {team.setsLimits ? (
                        <MemberLimitForm member={member} answer={answer} />
                      ) : (
                        (member.monthlyLimit ?? "none")
                      )}
                    </td>
                    <td data-label="Joined" className="px-3 py-2 whitespace-nowrap">
                      {member.joined}
                    </td>
                    {team.manages ? (
                      <td className="flex flex-wrap items-start gap-2 px-3 py-2">
                        <MemberRoleForm member={member} answer={answer} />
                        {member.you ? null : (
                          <ButtonForm id={teamFormId("remove", member.userId)} answer={answer}>
                            <input type="hidden" name="intent" value="remove" />
                            <input type="hidden" name="userId" value={member.userId} />
                            <Button
                              type="submit"
                              size="sm"
                              variant="destructive"
                              aria-label={`Remove ${member.email}`}
                            >
                              Remove
                            </Button>
                          </ButtonForm>
                        )}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </CardContent>
      </Card>
      {team.manages ? <Invitations team={team} invited={invited} answer={answer} /> : null}
      <Card>
        <CardHeader>
          <CardTitle>Leave {team.role === "OWNER" ? "or delete " : ""}this team</CardTitle>
          <CardDescription>
            Leaving deletes the keys you made in it. A team keeps at least one owner.
          </CardDescription>
        </CardHeader>
        <CardContent className="flex flex-wrap items-start gap-4">
          <ButtonForm id="leave" answer={answer}>
            <input type="hidden" name="intent" value="leave" />
            <Button type="submit" variant="outline">
              Leave {team.name}
            </Button>
          </ButtonForm>
          {team.manages ? <DeleteTeamForm team={team.name} answer={answer} /> : null}
        </CardContent>
      </Card>
    </>
  );
}

function Invitations({
  team,
  invited,
  answer,
}: {
  team: CurrentTeamData;
  invited: Invited;
  answer: TeamAnswer | undefined;
}) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Invite someone</CardTitle>
        <CardDescription>
          You get a link to send them: it works once, until it expires, for whoever signs in or up
          with it. Roles: {TEAM_ROLES_TEXT}.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {invited ? (
          <div className="grid gap-2 rounded-md border border-primary p-3" role="status">
            <p className="text-sm">
              Invitation as {invited.role}, valid until{" "}
              {new Date(invited.expiresAt).toLocaleString("en")}. Copy the link now: it is shown
              this once.
            </p>
            <div className="flex flex-wrap items-center gap-3">
              <code
                data-testid="invite-link"
                className="rounded-md bg-secondary px-3 py-2 font-mono text-sm break-all"
              >
                {invited.inviteLink}
              </code>
              <CopyButton text={invited.inviteLink} label="Copy link" />
            </div>
          </div>
        ) : null}
        <InviteForm answer={answer} />
        {team.invitations.length > 0 ? (
          <ul className="grid gap-2 text-sm" aria-label="Pending invitations">
            {team.invitations.map((invitation) => (
              <li key={invitation.id} className="flex flex-wrap items-center gap-2">
                <span>
                  As {invitation.role.toLowerCase()}, until{" "}
                  {new Date(invitation.expiresAt).toLocaleString("en")}
                </span>
                <Form method="post">
                  <input type="hidden" name="intent" value="revoke" />
                  <input type="hidden" name="id" value={invitation.id} />
                  <Button type="submit" size="sm" variant="outline">
                    Revoke
                  </Button>
                </Form>
              </li>
            ))}
          </ul>
        ) : null}
      </CardContent>
    </Card>
  );
}

const TEAM_ROLES_TEXT = Object.entries(ROLE_HELP)
  .map(([role, help]) => `${role.toLowerCase()} (${help})`)
  .join(", ");

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
