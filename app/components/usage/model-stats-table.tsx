import type { OverviewPage } from "#app/usage/overview-page.server.ts";
import { DataTable, type Column } from "#app/components/data-table.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";

type ModelStatsRow = OverviewPage["models"][number];

const ms = (value: number | null) => (value === null ? "–" : `${value} ms`);

const COLUMNS: Column<ModelStatsRow>[] = [
  {
    header: "Model",
    unlabelled: true,
    className: "font-medium sm:font-normal",
    cell: (r) => r.model,
  },
  { header: "Requests", align: "right", cell: (row) => row.requests },
  { header: "Errors", align: "right", cell: (row) => row.errors },
  { header: "Credits", align: "right", cell: (row) => row.cost },
  {
    header: "Avg latency",
    align: "right",
    className: "whitespace-nowrap",
    cell: (r) => ms(r.latencyMs),
  },
  {
    header: "Avg first token",
    align: "right",
    className: "whitespace-nowrap",
    cell: (r) => ms(r.ttftMs),
  },
];

/** Each model's requests, errors, spend and average latencies over the period. */
export function ModelStatsTable({ days, rows }: { days: number; rows: ModelStatsRow[] }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Models</CardTitle>
        <CardDescription>
          Last {days} days: spend, average latency and time to first token (streams)
        </CardDescription>
      </CardHeader>
      <CardContent>
        <DataTable
          label="Models"
          columns={COLUMNS}
          rows={rows}
          rowKey={(row) => row.model}
          // Inside its card: no frame of its own.
          className="rounded-none border-0"
          empty={<p className="text-sm text-muted-foreground">No requests yet.</p>}
        />
      </CardContent>
    </Card>
  );
}
