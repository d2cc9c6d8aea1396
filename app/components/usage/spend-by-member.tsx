import { Link } from "react-router";
import type { MemberSpend } from "#app/usage/usage-page.server.ts";
import { DataTable, type Column } from "#app/components/data-table.tsx";

const COLUMNS: Column<MemberSpend>[] = [
  {
    header: "Member",
    unlabelled: true,
    cell: (member) => (
      <Link
        to={`?member=${member.userId}`}
        className="underline underline-offset-4"
        aria-label={`Requests of ${member.email}`}
      >
        {member.email}
      </Link>
    ),
  },
  { header: "Requests (30 days)", align: "right", cell: (member) => member.requests },
  { header: "Credits (30 days)", align: "right", cell: (member) => member.cost },
  { header: "Credits this month", align: "right", cell: (member) => member.thisMonth },
];

/** A team's spend per member (by the keys each made), each linking to their requests. */
export function SpendByMember({ team, members }: { team: string; members: MemberSpend[] }) {
  return (
    <section aria-labelledby="spend-by-member" className="grid gap-2">
      <h2 id="spend-by-member" className="text-lg font-semibold">
        Spend by member of {team}
      </h2>
      <DataTable
        label="Spend by member"
        columns={COLUMNS}
        rows={members}
        rowKey={(member) => member.userId}
        empty={<p className="text-sm text-muted-foreground">No requests in the last 30 days.</p>}
      />
    </section>
  );
}
