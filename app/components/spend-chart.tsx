/** A day's spend, in credits, per series (a model or a key). */
export type DailySpend = { day: string } & Record<string, number | string>;

// Distinct in light and dark mode alike; the last one is for "other".
const COLOURS = ["#2563eb", "#16a34a", "#d97706", "#db2777", "#7c3aed", "#64748b"];
// A day with any spend stays visible next to a much larger one (in % of the height).
const SLIVER = 0.75;

/**
 * Spend per day, stacked by series, as wide as its card on any screen (ADR 043): the bars
 * are an SVG stretched to the box (a viewBox of one unit per day), the labels are HTML, so
 * they keep their size while the bars narrow. Rendered on the server, no script needed.
 * The numbers are display values only; the exact amounts are in the tables.
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
  const days = data.map(({ day, ...values }) => ({
    day,
    values: series.map((name) => Number(values[name] ?? 0)),
  }));
  const top = niceCeiling(Math.max(0, ...days.map((day) => sum(day.values))));
  const ticks = [top, top / 2, 0];
  return (
    <figure className="grid gap-3">
      <div
        role="img"
        aria-label={label}
        className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-2 pt-2"
      >
        <div className="relative h-48 text-right text-xs text-muted-foreground tabular-nums">
          {/* The widest label gives the axis its width; the others are placed on their line. */}
          <span className="invisible block">
            {ticks.map(displayNumber).reduce((a, b) => (b.length > a.length ? b : a))}
          </span>
          {ticks.map((tick) => (
            <span
              key={tick}
              className="absolute right-0 -translate-y-1/2 leading-none"
              style={{ top: `${(1 - tick / top) * 100}%` }}
            >
              {displayNumber(tick)}
            </span>
          ))}
        </div>
        <div className="relative h-48 border-b border-border">
          {ticks.slice(0, -1).map((tick) => (
            <div
              key={tick}
              className="absolute inset-x-0 border-t border-border"
              style={{ top: `${(1 - tick / top) * 100}%` }}
            />
          ))}
          <svg
            viewBox={`0 0 ${days.length} 100`}
            preserveAspectRatio="none"
            className="absolute inset-0 h-full w-full"
          >
            {days.map(({ day, values }, i) => {
              let y = 100;
              return (
                <g key={day} data-day={day}>
                  <title>
                    {[
                      day,
                      ...series.flatMap((name, s) =>
                        values[s] ? [`${name}: ${displayNumber(values[s])} credits`] : [],
                      ),
                    ].join("\n")}
                  </title>
                  {/* A transparent full-height bar, so that the whole day shows its title. */}
                  <rect x={i} y={0} width={1} height={100} fill="transparent" />
                  {values.map((value, s) => {
                    if (value <= 0) return null;
                    const height = Math.max((value / top) * 100, SLIVER);
                    y -= height;
                    return (
                      <rect
                        key={series[s]}
                        x={i + 0.15}
                        y={Math.max(y, 0)}
                        width={0.7}
                        height={height}
                        fill={COLOURS[Math.min(s, COLOURS.length - 1)]}
                      />
                    );
                  })}
                </g>
              );
            })}
          </svg>
        </div>
        <div />
        <DayLabels days={days.map(({ day }) => day)} />
      </div>
      <figcaption>
        <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs">
          {series.map((name, s) => (
            <li key={name} className="flex min-w-0 items-center gap-1.5">
              <span
                aria-hidden
                className="size-2.5 shrink-0 rounded-sm"
                style={{ backgroundColor: COLOURS[Math.min(s, COLOURS.length - 1)] }}
              />
              <span className="[overflow-wrap:anywhere]">{name}</span>
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

/**
 * Dates under the bars, counted back from today so that today always has one: at most
 * 7 on a wide card, half as many on a phone, where they would collide.
 */
function DayLabels({ days }: { days: string[] }) {
  const step = Math.max(1, Math.ceil(days.length / 7));
  return (
    <div className="relative h-5 text-xs text-muted-foreground tabular-nums">
      {days.map((day, i) => {
        const fromToday = days.length - 1 - i;
        if (fromToday % step !== 0) return null;
        const today = fromToday === 0;
        return (
          <span
            key={day}
            className={
              today || fromToday % (step * 2) === 0
                ? "absolute top-1 whitespace-nowrap"
                : "absolute top-1 hidden whitespace-nowrap sm:inline"
            }
            // Today's date ends at the right edge; the others are centred under their bar.
            style={
              today
                ? { right: 0 }
                : { left: `${((i + 0.5) / days.length) * 100}%`, transform: "translateX(-50%)" }
            }
          >
            {day.slice(5)}
          </span>
        );
      })}
    </div>
  );
}

function sum(values: number[]) {
  return values.reduce((total, value) => total + value, 0);
}

/** The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least `value` (1 for 0). */
export function niceCeiling(value: number) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const factor = [1, 2, 2.5, 5, 10].find((candidate) => candidate * power >= value * 0.9999999);
  return (factor ?? 10) * power;
}

// Axis and tooltip numbers: three significant digits, never in exponent notation.
function displayNumber(value: number) {
  return value.toLocaleString("en-US", { maximumSignificantDigits: 3 });
}
