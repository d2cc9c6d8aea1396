import { Link } from "react-router";
import type { UsageRow } from "#app/usage/usage-page.server.ts";
import { DataTable, type Column } from "#app/components/data-table.tsx";
import { Badge } from "#app/components/ui/badge.tsx";

// Numbers sit right in their cells; the headings stay left, as before the table component.
const COLUMNS: Column<UsageRow>[] = [
  {
    header: "Time",
    unlabelled: true,
    className: "whitespace-nowrap",
    cell: (row) => (
      <Link
        to={`/dashboard/usage/${row.id}`}
        className="underline underline-offset-4"
        aria-label={`Request of ${new Date(row.at).toLocaleString("en")}: details`}
      >
        {new Date(row.at).toLocaleString("en")}
      </Link>
    ),
  },
  { header: "Model", cell: (row) => row.model },
  {
    header: "Provider",
    cell: (row) => (
      <>
        {row.provider}
        {row.byok ? (
          <Badge
            variant="outline"
            className="ml-1"
            title="Served with your own provider key: only the BYOK fee is charged"
          >
            BYOK
          </Badge>
        ) : null}
      </>
    ),
  },
  { header: "Key", cell: (row) => row.key },
  { header: "Input", className: "text-right", cell: (row) => row.input },
  { header: "Output", className: "text-right", cell: (row) => <OutputTokens row={row} /> },
  { header: "Cost (credits)", className: "text-right", cell: (row) => row.cost },
  {
    header: "Latency",
    className: "text-right whitespace-nowrap",
    cell: (row) => `${row.latencyMs} ms`,
  },
  {
    header: "First token",
    className: "text-right whitespace-nowrap",
    cell: (row) => (row.ttftMs === null ? "–" : `${row.ttftMs} ms`),
  },
  {
    header: "Status",
    cell: (row) => (
      <Badge variant={row.status === "SUCCESS" ? "secondary" : "outline"}>
        {row.status.toLowerCase()}
      </Badge>
    ),
  },
];

/** The output tokens, marked when the gateway estimated them (*) or charged only what was held (†). */
function OutputTokens({ row }: { row: UsageRow }) {
  if (row.units) return <>{row.units}</>;
  return (
    <>
      {row.output}
      {row.usageSource === "ESTIMATED" ? (
        <span title="Estimated by the gateway: the provider reported no usage"> *</span>
      ) : row.usageSource === "CACHE" ? (
        <span title="Answered from the response cache: no provider call"> (cached)</span>
      ) : row.usageSource === "CAPPED" ? (
        <span title="The provider reported more than the request was granted: charged what was held">
          {" "}
          †
        </span>
      ) : null}
    </>
  );
}

/** The account's requests, newest first, each linking to its own page. */
export function RequestLogTable({ rows }: { rows: readonly UsageRow[] }) {
  return (
    <DataTable
      label="Request log"
      columns={COLUMNS}
      rows={rows}
      rowKey={(row) => row.id}
      cardsBelow="lg"
      empty={
        <p className="rounded-lg border border-dashed p-8 text-center text-muted-foreground">
          No requests match. Requests appear here as soon as they finish.
        </p>
      }
    />
  );
}
