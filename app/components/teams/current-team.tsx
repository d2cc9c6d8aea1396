import { GuardrailsForm } from "#app/components/guardrails/guardrails-form.tsx";
import { InvitationsCard } from "#app/components/teams/invitations-card.tsx";
import { MembersTable } from "#app/components/teams/members-table.tsx";
import type { CurrentTeamData, Invited } from "#app/components/teams/team-data.ts";
import { ButtonForm, DeleteTeamForm, type TeamAnswer } from "#app/components/teams/team-forms.tsx";
import { Button } from "#app/components/ui/button.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";

/** The team in use: its members, invitations (for owners), and leaving or deleting it. */
export function CurrentTeam({
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
          <MembersTable team={team} answer={answer} />
        </CardContent>
      </Card>
      {team.manages ? <InvitationsCard team={team} invited={invited} answer={answer} /> : null}
      <Card id="guardrails" className="scroll-mt-6">
        <CardHeader>
          <CardTitle>Guardrails of {team.name}</CardTitle>
          <CardDescription>
            Now: {team.guardrails}. Every key of the team obeys them, besides its own: the stricter
            of each rule applies.
            {team.setsLimits ? null : " Owners and admins change them."}
          </CardDescription>
        </CardHeader>
        <CardContent>
          <GuardrailsForm
            key={JSON.stringify(team.guardrailValues)}
            label={`Guardrails of ${team.name}`}
            defaultValue={team.guardrailValues}
            lastResult={answer?.form === "guardrails" ? answer.result : undefined}
            disabled={!team.setsLimits}
          />
        </CardContent>
      </Card>
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
