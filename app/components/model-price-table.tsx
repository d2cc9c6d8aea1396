import { Badge } from "#app/components/ui/badge.tsx";
import { DataTable, type Column } from "#app/components/data-table.tsx";
import type { ModelPrices } from "#app/usage/model-prices.server.ts";

type PricedModel = ModelPrices["models"][number];

/** The models and their prices per 1M tokens, for the public Models page and the dashboard's. */
export function ModelPriceTable({ prices }: { prices: ModelPrices }) {
  const columns: Column<PricedModel>[] = [
    {
      header: "Model",
      unlabelled: true,
      cell: (model) => (
        <>
          <div className="font-medium">{model.name}</div>
          <code className="text-xs text-muted-foreground">{model.slug}</code>
          {!model.served && !prices.noProvider && <NotServedMarker />}
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
    { header: "Input", align: "right", cell: (model) => model.input },
    { header: "Cached input", align: "right", cell: (model) => model.cachedInput },
    { header: "Output", align: "right", cell: (model) => model.output },
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
    <DataTable
      label="Models"
      columns={columns}
      rows={prices.models}
      rowKey={(model) => model.slug}
      cardsBelow="md"
      className="mt-6"
    />
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
