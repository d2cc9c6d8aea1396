import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";

/** A day's spend, in credits, per series (a model or a key). */
export type DailySpend = { day: string } & Record<string, number | string>;

// Distinct in light and dark mode alike; the last one is for "other".
const COLOURS = ["#2563eb", "#16a34a", "#d97706", "#db2777", "#7c3aed", "#64748b"];

/**
 * Spend per day, stacked by series. Fixed size (no ResponsiveContainer) so the
 * server renders the SVG too; the numbers are display values only, the exact
 * amounts are in the tables.
 */
export function SpendChart({
  data,
  series,
  label,
}: {
  data: DailySpend[];
  series: string[];
  label: string;
}) {
  return (
    <div tabIndex={0} className="overflow-x-auto" role="img" aria-label={label}>
      <BarChart
        width={880}
        height={240}
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
        <Tooltip formatter={(value, name) => [`${Number(value).toFixed(4)} credits`, name]} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {series.map((name, i) => (
          <Bar
            key={name}
            dataKey={name}
            stackId="spend"
            fill={COLOURS[Math.min(i, COLOURS.length - 1)]}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </div>
  );
}
