import type { ReactNode } from "react";
import { DataTable, type Column } from "#app/components/data-table.tsx";

export interface CreditRow {
  id: string;
  at: string;
  source: string;
  amount: string;
}

export interface ChargeRow {
  day: string;
  requests: number;
  cost: string;
}

const CREDIT_COLUMNS: Column<CreditRow>[] = [
  { header: "When", cell: (row) => new Date(row.at).toLocaleString("en") },
  { header: "What", cell: (row) => row.source },
  { header: "Credits", align: "right", cell: (row) => row.amount },
];

const CHARGE_COLUMNS: Column<ChargeRow>[] = [
  { header: "Day (UTC)", cell: (row) => row.day },
  { header: "Requests", align: "right", cell: (row) => row.requests },
  { header: "Credits", align: "right", cell: (row) => row.cost },
];

/** What came in and what went out per day, side by side, to reconcile the balance by eye. */
export function CreditHistory({
  credits,
  charges,
}: {
  credits: CreditRow[];
  charges: ChargeRow[];
}) {
  return (
    <div className="grid gap-6 md:grid-cols-2">
      <HistorySection id="credit-history" title="Credits added">
        <DataTable
          label="Credits added"
          columns={CREDIT_COLUMNS}
          rows={credits}
          rowKey={(row) => row.id}
          cardsBelow="never"
          empty={<Nothing>Nothing yet.</Nothing>}
        />
      </HistorySection>
      <HistorySection id="usage-charges" title="Usage charges per day">
        <DataTable
          label="Usage charges per day"
          columns={CHARGE_COLUMNS}
          rows={charges}
          rowKey={(row) => row.day}
          cardsBelow="never"
          empty={<Nothing>No requests yet.</Nothing>}
        />
      </HistorySection>
    </div>
  );
}

function HistorySection({
  id,
  title,
  children,
}: {
  id: string;
  title: string;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id} className="mb-2 text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

function Nothing({ children }: { children: string }) {
  return (
    <p className="rounded-lg border border-dashed p-6 text-center text-muted-foreground">
      {children}
    </p>
  );
}
