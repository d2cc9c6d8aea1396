import type { ComponentProps } from "react";
import { SpendChart } from "#app/components/spend-chart.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";

/** Credits spent per day over the period, one series per model or key. */
export function SpendChartCard({
  title,
  days,
  chart,
}: {
  title: string;
  days: number;
  chart: Pick<ComponentProps<typeof SpendChart>, "data" | "series">;
}) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        <CardDescription>Credits, last {days} days (UTC)</CardDescription>
      </CardHeader>
      <CardContent>
        {chart.series.length === 0 ? (
          <p className="text-sm text-muted-foreground">No requests in this period.</p>
        ) : (
          <SpendChart
            data={chart.data}
            series={chart.series}
            label={`${title}, last ${days} days: ${chart.series.join(", ")}`}
          />
        )}
      </CardContent>
    </Card>
  );
}
