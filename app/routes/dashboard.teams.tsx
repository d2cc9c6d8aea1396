import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { CurrentTeam } from "#app/components/teams/current-team.tsx";
import { SwitchForm } from "#app/components/teams/switch-form.tsx";
import { CreateTeamForm, type TeamAnswer } from "#app/components/teams/team-forms.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";
import type { Route } from "./+types/dashboard.teams";

// Teams (ADR 030, 048): the user's teams and a form to make one; for the team
// in use, its members with their spend, invitations by link, and leaving or
// deleting it. The loader and action are in dashboard.teams.server.ts.

export { loadTeamsPage as loader, teamsPageAction as action } from "./dashboard.teams.server.ts";

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

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
