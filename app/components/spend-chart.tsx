import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";

export interface DailySpend {
  day: string;
  credits: number;
  requests: number;
}

/**
 * Spend per day for the last 30 days. Fixed size (no ResponsiveContainer) so
 * the server renders the SVG too; the numbers are display values only, the
 * exact amounts are in the tables.
 */
export function SpendChart({ data }: { data: DailySpend[] }) {
  return (
    <div
      tabIndex={0}
      className="overflow-x-auto"
      role="img"
      aria-label="Credits spent per day over the last 30 days"
    >
      <BarChart
        width={880}
        height={220}
        data={data}
        margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
      >
        <CartesianGrid vertical={false} stroke="var(--border)" />
        <XAxis
          dataKey="day"
          tickFormatter={(day: string) => day.slice(5)}
          fontSize={11}
          tickLine={false}
          axisLine={false}
        />
        <YAxis fontSize={11} tickLine={false} axisLine={false} width={56} />
        <Tooltip formatter={(value) => [`${Number(value).toFixed(4)} credits`, "Spent"]} />
        <Bar
          dataKey="credits"
          fill="var(--primary)"
          radius={[3, 3, 0, 0]}
          isAnimationActive={false}
        />
      </BarChart>
    </div>
  );
}
