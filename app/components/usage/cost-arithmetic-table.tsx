import type { RequestDetail } from "#app/usage/request-detail.server.ts";

// Hand-written, not components/data-table.tsx: its last row is the total
// ("Charged"), spanning three columns, and it stays a table on a phone.

/** Tokens × price per kind, and what was charged. */
export function CostArithmeticTable({
  request,
}: {
  request: Pick<RequestDetail, "arithmetic" | "cached" | "capped" | "computed" | "charged">;
}) {
  return (
    <div tabIndex={0} className="overflow-x-auto">
      <table className="w-full text-sm" aria-label="Cost arithmetic">
        <thead className="text-left">
          <tr>
            <th className="py-2 pr-3 font-medium">Tokens</th>
            <th className="py-2 pr-3 text-right font-medium">Count</th>
            <th className="py-2 pr-3 text-right font-medium">Price per 1M</th>
            <th className="py-2 text-right font-medium">Cost</th>
          </tr>
        </thead>
        <tbody>
          {request.arithmetic.map((line) => (
            <tr key={line.kind} className="border-t">
              <td className="py-2 pr-3">{line.kind}</td>
              <td className="py-2 pr-3 text-right">{line.tokens}</td>
              <td className="py-2 pr-3 text-right">{line.price}</td>
              <td className="py-2 text-right">{line.cost}</td>
            </tr>
          ))}
          <tr className="border-t font-medium">
            <td className="py-2 pr-3" colSpan={3}>
              Charged
              {request.capped ? ` (capped; the tokens come to ${request.computed})` : ""}
              {request.cached
                ? ` (answered from the response cache; the tokens come to ${request.computed})`
                : ""}
            </td>
            <td className="py-2 text-right" data-testid="charged">
              {request.charged}
            </td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
