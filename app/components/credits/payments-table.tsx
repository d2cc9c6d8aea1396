import { DataTable, type Column } from "#app/components/data-table.tsx";
import { Badge } from "#app/components/ui/badge.tsx";

export interface PaymentRow {
  id: string;
  at: string;
  amount: string;
  status: string;
  stripeId: string;
  receiptUrl: string | null;
}

const COLUMNS: Column<PaymentRow>[] = [
  {
    header: "When",
    unlabelled: true,
    cell: (payment) => new Date(payment.at).toLocaleString("en"),
  },
  { header: "Amount", cell: (payment) => payment.amount },
  {
    header: "Status",
    cell: (payment) => (
      <Badge variant={payment.status === "paid" ? "secondary" : "outline"}>{payment.status}</Badge>
    ),
  },
  { header: "Stripe id", className: "font-mono text-xs", cell: (payment) => payment.stripeId },
  {
    header: "Receipt",
    cell: (payment) =>
      payment.receiptUrl ? (
        <a className="underline" href={payment.receiptUrl} rel="noreferrer" target="_blank">
          receipt
        </a>
      ) : (
        "–"
      ),
  },
];

/** The account's card payments, newest first; nothing when there are none. */
export function PaymentsTable({ payments }: { payments: PaymentRow[] }) {
  if (payments.length === 0) return null;
  return (
    <section aria-labelledby="payments">
      <h2 id="payments" className="mb-2 text-lg font-semibold">
        Payments
      </h2>
      <DataTable
        label="Payments"
        columns={COLUMNS}
        rows={payments}
        rowKey={(payment) => payment.id}
      />
    </section>
  );
}
