import { DataTable, type Column } from "#app/components/data-table.tsx";
import type { ModelPage } from "#app/usage/model-page.server.ts";

type StatsRow = ModelPage["stats"][number]["providers"][number];

const ms = (value: number | null) => (value === null ? "—" : `${value.toLocaleString("en")} ms`);
const percent = (rate: number | null) => (rate === null ? "—" : `${(rate * 100).toFixed(1)}%`);

/** Each provider's requests for the model over the last `days` days, from the usage log. */
export function ModelStatsTable({ days, rows }: { days: number; rows: StatsRow[] }) {
  const columns: Column<StatsRow>[] = [
    {
      header: "Provider",
      unlabelled: true,
      cell: (row) => <div className="font-medium">{row.name}</div>,
    },
    { header: "Requests", align: "right", cell: (row) => row.requests.toLocaleString("en") },
    { header: "Median latency", align: "right", cell: (row) => ms(row.latencyP50Ms) },
    { header: "Median first token", align: "right", cell: (row) => ms(row.firstTokenP50Ms) },
    { header: "Error rate", align: "right", cell: (row) => percent(row.errorRate) },
  ];
  const label = `Last ${days} days`;
  return (
    <div className="grid gap-2">
      <h3 className="font-medium">{label}</h3>
      <DataTable label={label} columns={columns} rows={rows} rowKey={(row) => row.slug} />
    </div>
  );
}
