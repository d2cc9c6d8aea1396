import { DataTable, type Column } from "#app/components/data-table.tsx";

interface AuditRow {
  id: string;
  at: string;
  actor: string | null;
  action: string;
  subject: string | null;
  ip: string;
}

const COLUMNS: Column<AuditRow>[] = [
  {
    header: "When",
    unlabelled: true,
    className: "whitespace-nowrap",
    cell: (event) => new Date(event.at).toLocaleString("en"),
  },
  { header: "Who", cell: (event) => event.actor ?? "–" },
  { header: "What", cell: (event) => event.action.replaceAll("_", " ") },
  { header: "Subject", className: "font-mono text-xs", cell: (event) => event.subject ?? "–" },
  { header: "From", className: "font-mono text-xs", cell: (event) => event.ip },
];

/** The latest security-relevant events: sign-ins, keys, prices, credits. */
export function AuditLogTable({ events }: { events: readonly AuditRow[] }) {
  return (
    <DataTable label="Audit log" columns={COLUMNS} rows={events} rowKey={(event) => event.id} />
  );
}
