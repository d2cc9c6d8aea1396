import type { Accounts } from "../accounts.server.ts";
import { audit } from "../audit-log.server.ts";
import { switchAccount } from "../session.server.ts";
import { acceptInvitation } from "./team-invitations.server.ts";

// Signing in or up from an invitation link (ADR 048): the person came to join
// that team, so the sign-in joins it and works in it at once, instead of
// landing on the invitation page for one more click.

const INVITATION_PATH = /^\/invite\/([^/?#]+)$/;

/** The invitation token a sign-in's redirect target names, if it names one. */
export const invitationTokenOf = (target: string) => INVITATION_PATH.exec(target)?.[1];

/**
 * Joins the team of the invitation `token` with the just-started session (its
 * Set-Cookie header) and switches to it. The toast to show, or undefined when
 * the link cannot be used: its page then says why.
 */
export async function joinOnSignIn(
  accounts: Accounts,
  request: Request,
  input: { token: string; userId: string; sessionCookie: string },
) {
  const sessionId: unknown = await accounts.sessionCookie.parse(input.sessionCookie.split(";")[0]!);
  const joined = await joinTeam(accounts, request, {
    token: input.token,
    userId: input.userId,
    sessionId: typeof sessionId === "string" ? sessionId : undefined,
  });
  return joined.accepted ? joined.message : undefined;
}

/**
 * Accepts the invitation `token` for `userId` and works in its team from then
 * on in session `sessionId`, audited: what the invitation page and a sign-in
 * through the link both do. Why not, when the link cannot be used.
 */
export async function joinTeam(
  accounts: Accounts,
  request: Request,
  input: { token: string; userId: string; sessionId: string | undefined },
) {
  const result = await acceptInvitation(
    accounts.prisma,
    accounts.signingSecret,
    input.token,
    input.userId,
  );
  if (!result.accepted) return result;
  if (input.sessionId) await switchAccount(accounts, input.sessionId, result.teamId);
  await audit(accounts.prisma, request, {
    action: "member_joined",
    actorId: input.userId,
    subject: result.teamId,
    details: { role: result.role },
  });
  const message = `You joined ${result.teamName} as ${result.role.toLowerCase()}: you work in it now.`;
  return { ...result, message };
}
