import { Link } from "react-router";
import { OVERVIEW_PERIODS } from "#app/usage/overview-periods.ts";
import { cn } from "#app/utils/cn.ts";

/** The Overview's periods (7, 30, 90 days), the shown one marked. */
export function PeriodNav({ days }: { days: number }) {
  return (
    <nav aria-label="Period" className="flex gap-1">
      {OVERVIEW_PERIODS.map((period) => (
        <Link
          key={period}
          to={`?days=${period}`}
          aria-current={period === days ? "page" : undefined}
          className={cn(
            "rounded-md px-3 py-1.5 text-sm font-medium hover:bg-accent",
            period === days ? "bg-accent" : "text-muted-foreground",
          )}
        >
          {period} days
        </Link>
      ))}
    </nav>
  );
}
