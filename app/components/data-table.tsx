import type { ReactNode } from "react";
import { cn } from "#app/utils/cn.ts";

export interface Column<Row> {
  /** The column's heading, and the cell's label when the table shows as cards. */
  header: string;
  cell: (row: Row) => ReactNode;
  align?: "left" | "right";
  /** The row's title or its buttons: on a card it takes the whole line, without a label. */
  unlabelled?: boolean;
  /** The heading is for screen readers only (a column of buttons needs no visible one). */
  hideHeader?: boolean;
  className?: string;
}

/** Below this width the table shows one card per row (the `table-cards` utility, ADR 043). */
export type CardsBelow = "sm" | "md" | "lg" | "never";

// Written out whole so that Tailwind finds each class in the source.
const CARDS_BELOW: Record<CardsBelow, string> = {
  sm: "max-sm:table-cards",
  md: "max-md:table-cards",
  lg: "max-lg:table-cards",
  never: "",
};

/**
 * The dashboard's one table: headings, one row per item, right-aligned numbers,
 * and on a phone one card per row so no column sits off-screen.
 */
export function DataTable<Row>({
  label,
  columns,
  rows,
  rowKey,
  cardsBelow = "sm",
  empty,
  className,
  rowClassName,
}: {
  label: string;
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  cardsBelow?: CardsBelow;
  /** Shown instead of the table when there are no rows. */
  empty?: ReactNode;
  className?: string;
  /** Added to each row's classes (e.g. `align-top` for rows of forms). */
  rowClassName?: string;
}) {
  if (rows.length === 0 && empty !== undefined) return <>{empty}</>;
  return (
    <div tabIndex={0} className={cn("overflow-x-auto rounded-lg border", className)}>
      <table className={cn(CARDS_BELOW[cardsBelow], "w-full text-sm")} aria-label={label}>
        <thead className="bg-muted text-left">
          <tr>
            {columns.map((column) => (
              <th
                key={column.header}
                className={cn(
                  "px-3 py-2 font-medium whitespace-nowrap",
                  column.align === "right" && "text-right",
                )}
              >
                {column.hideHeader ? (
                  <span className="sr-only">{column.header}</span>
                ) : (
                  column.header
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} className={cn("border-t", rowClassName)}>
              {columns.map((column) => (
                <td
                  key={column.header}
                  data-label={column.unlabelled ? undefined : column.header}
                  className={cn(
                    "px-3 py-2",
                    column.align === "right" && "text-right",
                    column.className,
                  )}
                >
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
