import { Link } from "react-router";
import type { ModelRow } from "#app/admin/models-overview.server.ts";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { ModelSearch } from "./model-search.tsx";
import { RouteLines } from "./route-lines.tsx";

// Hand-written, not components/data-table.tsx: a price cell's label on a phone
// ("Cached input per 1M") is longer than its heading, rows align to the top,
// and "No model matches." is a row of the table.

/** The catalog as a table: each model's routes with their prices, its limits, and a link to edit it. */
export function ModelsTable({ models, query }: { models: ModelRow[]; query: string }) {
  return (
    <section aria-labelledby="models-heading" className="grid gap-2">
      <h2 id="models-heading" className="sr-only">
        Models
      </h2>
      <ModelSearch query={query} matches={models.length} />
      <div className="rounded-lg border">
        <table className="max-lg:table-cards w-full text-sm" aria-label="Models">
          <thead className="bg-muted text-left">
            <tr>
              {[
                "Model",
                "Provider routes",
                "Input per 1M",
                "Cached per 1M",
                "Output per 1M",
                "Context",
                "Max output",
                "",
              ].map((heading) => (
                <th key={heading} className="px-3 py-2 font-medium">
                  {heading}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {models.map((model) => (
              <tr key={model.slug} className="border-t align-top">
                <td className="px-3 py-2 font-medium break-all">{model.slug}</td>
                <td data-label="Provider routes" className="px-3 py-2">
                  <RouteLines
                    model={model}
                    show={(route) => (
                      <span className="break-all">
                        {route.provider} → {route.upstreamModel}{" "}
                        {route.enabled ? null : <Badge variant="outline">off</Badge>}
                      </span>
                    )}
                  />
                </td>
                {(["inputPrice", "cachedInputPrice", "outputPrice"] as const).map((field) => (
                  <td
                    key={field}
                    data-label={PRICE_LABELS[field]}
                    className="px-3 py-2 tabular-nums"
                  >
                    <RouteLines model={model} show={(route) => route[field]} />
                  </td>
                ))}
                <td data-label="Context" className="px-3 py-2 tabular-nums">
                  {model.contextLength.toLocaleString("en")}
                </td>
                <td data-label="Max output" className="px-3 py-2 tabular-nums">
                  {model.maxOutputTokens.toLocaleString("en")}
                </td>
                <td className="px-3 py-2">
                  <Button asChild size="sm" variant="outline">
                    <Link
                      to={`/dashboard/admin/models/${encodeURIComponent(model.slug)}`}
                      aria-label={`Edit ${model.slug}`}
                    >
                      Edit
                    </Link>
                  </Button>
                </td>
              </tr>
            ))}
            {models.length === 0 ? (
              <tr>
                <td colSpan={8} className="px-3 py-4 text-muted-foreground">
                  No model matches.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}

// The price columns' names, for each cell's label on a phone.
const PRICE_LABELS = {
  inputPrice: "Input per 1M",
  cachedInputPrice: "Cached input per 1M",
  outputPrice: "Output per 1M",
};
