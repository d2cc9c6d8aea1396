import { Link } from "react-router";
import { Badge } from "#app/components/ui/badge.tsx";
import { DataTable, type Column } from "#app/components/data-table.tsx";
import { ModelListFilters } from "#app/components/model-list-filters.tsx";
import { modelPagePath, playgroundPath } from "#app/catalog/model-links.ts";
import type { ModelPrices } from "#app/usage/model-prices.server.ts";

type PricedModel = ModelPrices["models"][number];

/**
 * The models and their prices per 1M tokens, for the public Models page and the
 * dashboard's: found, filtered and ordered by the form above it (on the server),
 * each name leading to the model's page.
 */
export function ModelPriceTable({ prices }: { prices: ModelPrices }) {
  const columns: Column<PricedModel>[] = [
    {
      header: "Model",
      unlabelled: true,
      cell: (model) => (
        <>
          <Link
            to={modelPagePath(model.slug)}
            id={`model-${model.slug}`}
            className="font-medium underline underline-offset-4"
          >
            {model.name}
          </Link>
          <div>
            <code className="text-xs break-all text-muted-foreground">{model.slug}</code>
          </div>
          {!model.served && !prices.noProvider && <NotServedMarker />}
          {/* Which model's it is, for a screen reader listing the links (the name stays the visible text). */}
          <Link
            to={playgroundPath(model.slug)}
            aria-describedby={`model-${model.slug}`}
            className="text-xs underline underline-offset-4"
          >
            Try in playground
          </Link>
        </>
      ),
    },
    { header: "Made by", cell: (model) => model.company },
    {
      header: "Context",
      align: "right",
      cell: (model) => model.contextLength.toLocaleString("en"),
    },
    {
      header: "Max output",
      align: "right",
      cell: (model) => model.maxOutputTokens.toLocaleString("en"),
    },
    // A media model is priced per image, character or minute (ADR 072): said in the Input cell.
    { header: "Input", align: "right", cell: (model) => model.media ?? model.input },
    {
      header: "Cached input",
      align: "right",
      cell: (model) => (model.media ? "–" : model.cachedInput),
    },
    { header: "Output", align: "right", cell: (model) => (model.media ? "–" : model.output) },
    {
      header: "Served by",
      cell: (model) =>
        model.providers.map((provider) => (
          <Badge key={provider} variant="outline" className="mr-1">
            {provider}
          </Badge>
        )),
    },
  ];
  return (
    <>
      <ModelListFilters prices={prices} />
      <DataTable
        label="Models"
        columns={columns}
        rows={prices.models}
        rowKey={(model) => model.slug}
        cardsBelow="md"
        className="mt-6"
        empty={
          <p className="mt-6 text-sm text-muted-foreground">
            {prices.total === 0 ? "No models yet." : "No model matches these filters."}
          </p>
        }
      />
    </>
  );
}

/** A model no provider with a key serves while others are (with none at all, the banner says it once). */
function NotServedMarker() {
  return (
    <div className="text-xs font-medium text-destructive">
      Not served yet: its provider has no key
    </div>
  );
}
