import { data, Form, isRouteErrorResponse, Link, useRouteError } from "react-router";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { getSession } from "#app/accounts/session.server.ts";
import { readInvitation } from "#app/accounts/teams/team-invitations.server.ts";
import { joinTeam } from "#app/accounts/teams/teams-join.server.ts";
import { AuthCard } from "#app/components/auth-card.tsx";
import { Button, buttonVariants } from "#app/components/ui/button.tsx";
import { withRedirect } from "#app/utils/with-redirect.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";
import type { Route } from "./+types/invite.$token";

// An invitation link (ADR 030, 048). Anyone holding the link sees who invites
// them to which team; signed out, they sign in or up through it and land in
// the team (login.tsx, signup.tsx); signed in, one button joins and switches.

const WHY_NOT = {
  invalid: "This invitation link is not valid: check that it was copied whole.",
  expired: "This invitation has expired: ask for a new link.",
  used: "This invitation was used already: each link works once. Ask for a new one.",
  revoked: "This invitation was revoked: ask for a new link.",
  member: "You are a member of this team already.",
} as const;

export async function loader({ request, params }: Route.LoaderArgs) {
  const accounts = getAccounts();
  const offer = await readInvitation(accounts.prisma, accounts.signingSecret, params.token);
  if (offer.state !== "open") throw data(WHY_NOT[offer.state], { status: 410 });
  const [session, inviter] = await Promise.all([
    getSession(accounts, request),
    accounts.prisma.user.findUnique({ where: { id: offer.createdById }, select: { email: true } }),
  ]);
  const member =
    session &&
    (await accounts.prisma.teamMember.findUnique({
      where: { teamId_userId: { teamId: offer.teamId, userId: session.userId } },
      select: { role: true },
    }));
  if (member) throw data(WHY_NOT.member, { status: 409 });
  return {
    team: offer.teamName,
    role: offer.role.toLowerCase(),
    expiresAt: offer.expiresAt,
    inviter: inviter?.email ?? null,
    signedIn: session !== undefined,
  };
}

export async function action({ request, params }: Route.ActionArgs) {
  const { userId, sessionId } = await requirePageScope(request);
  const joined = await joinTeam(getAccounts(), request, { token: params.token, userId, sessionId });
  if (!joined.accepted)
    throw data(WHY_NOT[joined.reason], { status: joined.reason === "member" ? 409 : 410 });
  return redirectWithToast("/dashboard", joined.message);
}

export const meta: Route.MetaFunction = () => [{ title: "Join a team · LLM Gateway" }];

export default function Invite({ loaderData, params }: Route.ComponentProps) {
  const { team, role, inviter, signedIn } = loaderData;
  const until = new Date(loaderData.expiresAt).toLocaleString("en");
  const here = `/invite/${params.token}`;
  return (
    <AuthCard
      title={`Join ${team}`}
      description={
        <>
          {inviter ? `${inviter} invites you` : "You are invited"} to join the team{" "}
          <strong className="text-foreground">{team}</strong> as {role}. The link works once, until{" "}
          {until}.
        </>
      }
    >
      {signedIn ? (
        <Form method="post" className="grid gap-3">
          <Button type="submit">Join {team}</Button>
          <Link to="/dashboard" className="text-center text-sm underline underline-offset-4">
            Not now
          </Link>
        </Form>
      ) : (
        <div className="grid gap-3">
          <Link to={withRedirect("/login", here)} className={buttonVariants()}>
            Sign in to join
          </Link>
          <Link
            to={withRedirect("/signup", here)}
            className={buttonVariants({ variant: "outline" })}
          >
            Create an account to join
          </Link>
        </div>
      )}
    </AuthCard>
  );
}

export function ErrorBoundary() {
  return (
    <AuthCard title="This invitation cannot be used" description={<InviteError />}>
      <Link to="/dashboard" className="text-sm font-medium underline underline-offset-4">
        Go to your dashboard
      </Link>
    </AuthCard>
  );
}

function InviteError() {
  const error = useRouteError();
  return isRouteErrorResponse(error) && typeof error.data === "string"
    ? error.data
    : "Something went wrong; the error was logged.";
}
