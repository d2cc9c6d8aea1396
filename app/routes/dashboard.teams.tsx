import { data, Form } from "react-router";
import { CopyButton } from "#app/components/copy-button.tsx";
import { z } from "zod";
import { can } from "#app/accounts/account-scope.server.ts";
import { INVITATION_DAYS, ROLE_HELP, TEAM_ROLES } from "#app/accounts/team-rules.ts";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { audit } from "#app/accounts/audit-log.server.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { switchAccount } from "#app/accounts/session.server.ts";
import {
  createInvitation,
  pendingInvitations,
  revokeInvitation,
} from "#app/accounts/team-invitations.server.ts";
import {
  changeRole,
  createTeam,
  deleteTeam,
  listMembers,
  listTeamsOf,
  removeMember,
  setMemberLimit,
  TeamRuleError,
} from "#app/accounts/teams.server.ts";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";
import { Input } from "#app/components/ui/input.tsx";
import { Label } from "#app/components/ui/label.tsx";
import { readForm } from "#app/http/read-form.server.ts";
import { spendByMember } from "#app/usage/usage-query.server.ts";
import { creditsToMicro, formatMoney, MICRO_PER_CREDIT } from "#app/utils/money.ts";
import { publicOrigin } from "#app/utils/request-origin.server.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";
import type { Route } from "./+types/dashboard.teams";

// Teams (ADR 030): the user's teams and a form to make one; for the team in
// use, its members with their spend, invitations by link, and leaving or
// deleting it. Only owners change members; every member sees them.

const Role = z.enum(TEAM_ROLES, { error: "Pick a role" });

const TeamActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("create"),
    name: z.string().trim().min(1, "Give the team a name").max(100, "Use at most 100 characters"),
  }),
  z.object({
    intent: z.literal("invite"),
    role: Role,
    days: z.coerce.number().int().min(1).max(30).default(INVITATION_DAYS),
  }),
  z.object({ intent: z.literal("revoke"), id: z.uuid() }),
  z.object({ intent: z.literal("role"), userId: z.uuid(), role: Role }),
  z.object({ intent: z.literal("remove"), userId: z.uuid() }),
  z.object({
    intent: z.literal("limit"),
    userId: z.uuid(),
    // Credits per UTC month; empty for no limit.
    monthlyLimit: z
      .union([z.literal(""), z.coerce.number().int().min(1).max(1_000_000_000)], {
        error: "Enter a whole number of credits, or nothing for no limit",
      })
      .default(""),
  }),
  z.object({ intent: z.literal("leave") }),
  z.object({
    intent: z.literal("delete"),
    confirm: z.literal("yes", { error: "Tick the box to confirm" }),
  }),
]);

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

export async function action({ request }: Route.ActionArgs) {
  const scope = await requirePageScope(request);
  const { prisma, signingSecret } = getAccounts();
  const parsed = TeamActionSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success)
    throw data(parsed.error.issues[0]?.message ?? "This form is incomplete", { status: 400 });
  const input = parsed.data;
  const actor = { actorId: scope.userId };
  if (input.intent === "create") {
    const teamId = await createTeam(prisma, scope.userId, input.name);
    await switchAccount(getAccounts(), scope.sessionId, teamId);
    await audit(prisma, request, { action: "team_created", ...actor, subject: teamId });
    return redirectWithToast(
      "/dashboard/teams",
      `Team ${input.name} created: you work in it now. Invite its members below.`,
    );
  }
  if (!scope.team) throw data("Switch to a team first", { status: 400 });
  const teamId = scope.accountId;
  if (input.intent === "leave") return leave(request, scope, teamId);
  if (input.intent === "limit") return limitMember(request, scope, input);
  if (!can(scope, "members"))
    throw data(`Only the team's owners can do this; you are ${scope.role.toLowerCase()}.`, {
      status: 403,
    });
  try {
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
          inviteLink: `${publicOrigin(request)}/invite/${token}`,
          role: input.role.toLowerCase(),
          expiresAt: invitation.expiresAt.toISOString(),
        };
      }
      case "revoke":
        if (!(await revokeInvitation(prisma, teamId, input.id)))
          throw data("No such invitation", { status: 404 });
        await audit(prisma, request, { action: "invitation_revoked", ...actor, subject: input.id });
        return redirectWithToast(
          "/dashboard/teams",
          "Invitation revoked: its link no longer works.",
        );
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
      case "remove":
        if (!(await removeMember(prisma, teamId, input.userId)))
          throw data("No such member", { status: 404 });
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
      case "delete":
        await deleteTeam(prisma, teamId);
        await switchAccount(getAccounts(), scope.sessionId, null);
        await audit(prisma, request, { action: "team_deleted", ...actor, subject: teamId });
        return redirectWithToast("/dashboard/teams", `Team ${scope.team.name} deleted.`);
    }
  } catch (error) {
    if (error instanceof TeamRuleError) throw data(error.message, { status: 409 });
    throw error;
  }
}

async function limitMember(
  request: Request,
  scope: Awaited<ReturnType<typeof requirePageScope>>,
  input: { userId: string; monthlyLimit: number | "" },
) {
  if (!can(scope, "allKeys"))
    throw data(`Only owners and admins set limits; you are ${scope.role.toLowerCase()}.`, {
      status: 403,
    });
  const { prisma } = getAccounts();
  const limit = input.monthlyLimit === "" ? null : creditsToMicro(input.monthlyLimit);
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
  scope: Awaited<ReturnType<typeof requirePageScope>>,
  teamId: string,
) {
  const { prisma } = getAccounts();
  try {
    await removeMember(prisma, teamId, scope.userId);
  } catch (error) {
    if (error instanceof TeamRuleError) throw data(error.message, { status: 409 });
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
                    <Form method="post" action="/dashboard/switch">
                      <input type="hidden" name="account" value={team.id} />
                      <input type="hidden" name="redirectTo" value="/dashboard/teams" />
                      <Button type="submit" size="sm" variant="outline">
                        Work in {team.name}
                      </Button>
                    </Form>
                  )}
                </li>
              ))}
            </ul>
          )}
          <Form method="post" className="flex flex-wrap items-end gap-2">
            <input type="hidden" name="intent" value="create" />
            <div className="grid gap-1.5">
              <Label htmlFor="team-name">New team’s name</Label>
              <Input id="team-name" name="name" required maxLength={100} className="w-64" />
            </div>
            <Button type="submit">Create team</Button>
          </Form>
        </CardContent>
      </Card>
      {current ? <CurrentTeam team={current} invited={actionData ?? null} /> : null}
    </div>
  );
}

type CurrentTeamData = NonNullable<Route.ComponentProps["loaderData"]["current"]>;

function CurrentTeam({
  team,
  invited,
}: {
  team: CurrentTeamData;
  invited: { inviteLink: string; role: string; expiresAt: string } | null;
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
                        <Form method="post" className="flex items-center gap-1">
                          <input type="hidden" name="intent" value="limit" />
                          <input type="hidden" name="userId" value={member.userId} />
                          <Input
                            name="monthlyLimit"
                            type="number"
                            min={1}
                            defaultValue={member.monthlyLimit ?? ""}
                            placeholder="none"
                            className="w-28"
                            aria-label={`Monthly credit limit of ${member.email}`}
                          />
                          <Button type="submit" size="sm" variant="outline">
                            Set
                          </Button>
                        </Form>
                      ) : (
                        (member.monthlyLimit ?? "none")
                      )}
                    </td>
                    <td data-label="Joined" className="px-3 py-2 whitespace-nowrap">
                      {member.joined}
                    </td>
                    {team.manages ? (
                      <td className="flex flex-wrap gap-2 px-3 py-2">
                        <Form method="post" className="flex items-center gap-1">
                          <input type="hidden" name="intent" value="role" />
                          <input type="hidden" name="userId" value={member.userId} />
                          <RoleSelect
                            id={`role-${member.userId}`}
                            label={`Role of ${member.email}`}
                            value={member.role}
                          />
                          <Button type="submit" size="sm" variant="outline">
                            Save
                          </Button>
                        </Form>
                        {member.you ? null : (
                          <Form method="post">
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
                          </Form>
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
      {team.manages ? <Invitations team={team} invited={invited} /> : null}
      <Card>
        <CardHeader>
          <CardTitle>Leave {team.role === "OWNER" ? "or delete " : ""}this team</CardTitle>
          <CardDescription>
            Leaving deletes the keys you made in it. A team keeps at least one owner.
          </CardDescription>
        </CardHeader>
        <CardContent className="flex flex-wrap items-center gap-4">
          <Form method="post">
            <input type="hidden" name="intent" value="leave" />
            <Button type="submit" variant="outline">
              Leave {team.name}
            </Button>
          </Form>
          {team.manages ? (
            <Form method="post" className="flex flex-wrap items-center gap-2">
              <input type="hidden" name="intent" value="delete" />
              <label className="flex items-center gap-1 text-sm text-muted-foreground">
                <input type="checkbox" name="confirm" value="yes" required /> Delete it: its keys
                stop working; its history stays; its balance is not refunded
              </label>
              <Button type="submit" variant="destructive">
                Delete {team.name}
              </Button>
            </Form>
          ) : null}
        </CardContent>
      </Card>
    </>
  );
}

function Invitations({
  team,
  invited,
}: {
  team: CurrentTeamData;
  invited: { inviteLink: string; role: string; expiresAt: string } | null;
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
        <Form method="post" className="flex flex-wrap items-end gap-2">
          <input type="hidden" name="intent" value="invite" />
          <div className="grid gap-1.5">
            <Label htmlFor="invite-role">Role</Label>
            <RoleSelect id="invite-role" value="MEMBER" />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="invite-days">Valid for (days)</Label>
            <Input
              id="invite-days"
              name="days"
              type="number"
              min={1}
              max={30}
              defaultValue={INVITATION_DAYS}
              className="w-24"
            />
          </div>
          <Button type="submit">Create invitation link</Button>
        </Form>
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

function RoleSelect({ id, label, value }: { id: string; label?: string; value: string }) {
  return (
    <select
      id={id}
      name="role"
      aria-label={label}
      defaultValue={value}
      className="h-9 rounded-md border border-input bg-transparent px-2 text-sm"
    >
      {TEAM_ROLES.map((role) => (
        <option key={role} value={role}>
          {role.toLowerCase()}
        </option>
      ))}
    </select>
  );
}

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
