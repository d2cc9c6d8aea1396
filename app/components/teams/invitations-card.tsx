import { Form } from "react-router";
import { ROLE_HELP } from "#app/accounts/teams/team-rules.ts";
import { CopyButton } from "#app/components/copy-button.tsx";
import type { CurrentTeamData, Invited } from "#app/components/teams/team-data.ts";
import { InviteForm, type TeamAnswer } from "#app/components/teams/team-forms.tsx";
import { Button } from "#app/components/ui/button.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";

/** An owner's invitations: the link just made (shown once), the form, and those pending. */
export function InvitationsCard({
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
