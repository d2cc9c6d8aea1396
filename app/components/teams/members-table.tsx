import { teamFormId } from "#app/accounts/teams/teams-fields.ts";
import { DataTable, type Column } from "#app/components/data-table.tsx";
import {
  ButtonForm,
  MemberLimitForm,
  MemberRoleForm,
  type TeamAnswer,
} from "#app/components/teams/team-forms.tsx";
import type { CurrentTeamData, TeamMemberRow } from "#app/components/teams/team-data.ts";
import { Button } from "#app/components/ui/button.tsx";

/** The team's members with their spend; limits for owners and admins, roles and removal for owners. */
export function MembersTable({
  team,
  answer,
}: {
  team: CurrentTeamData;
  answer: TeamAnswer | undefined;
}) {
  const columns: Column<TeamMemberRow>[] = [
    {
      header: "Member",
      unlabelled: true,
      cell: (member) => (
        <>
          {member.email}
          {member.you ? <span className="text-muted-foreground"> (you)</span> : null}
        </>
      ),
    },
    { header: "Role", cell: (member) => member.role.toLowerCase() },
    { header: "Credits this month", align: "right", cell: (member) => member.thisMonth },
    {
      header: "Monthly limit",
      cell: (member) =>
        team.setsLimits ? (
          <MemberLimitForm member={member} answer={answer} />
        ) : (
          (member.monthlyLimit ?? "none")
        ),
    },
    { header: "Joined", className: "whitespace-nowrap", cell: (member) => member.joined },
  ];
  if (team.manages)
    columns.push({
      header: "Actions",
      hideHeader: true,
      unlabelled: true,
      className: "flex flex-wrap items-start gap-2",
      cell: (member) => <MemberActions member={member} answer={answer} />,
    });
  return (
    <DataTable
      label="Members"
      columns={columns}
      rows={team.members}
      rowKey={(member) => member.userId}
      rowClassName="align-top"
    />
  );
}

/** An owner's buttons for one member: change the role, remove (not themselves). */
function MemberActions({ member, answer }: { member: TeamMemberRow; answer?: TeamAnswer }) {
  return (
    <>
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
    </>
  );
}
