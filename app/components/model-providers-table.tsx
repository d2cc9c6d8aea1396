import { DataTable, type Column } from "#app/components/data-table.tsx";
import type { ModelPage } from "#app/usage/model-page.server.ts";

type ProviderRow = ModelPage["providers"][number];

/** A model's providers, in the order tried, with the prices each charges per 1M tokens. */
export function ModelProvidersTable({ providers }: { providers: ProviderRow[] }) {
  const columns: Column<ProviderRow>[] = [
    {
      header: "Provider",
      unlabelled: true,
      cell: (provider) => (
        <>
          <div className="font-medium">{provider.name}</div>
          {!provider.served && (
            <div className="text-xs font-medium text-destructive">Not served yet: no key</div>
          )}
        </>
      ),
    },
    // A media model (ADR 072) is priced per image, character or minute: said in the Input cell.
    { header: "Input", align: "right", cell: (provider) => provider.media ?? provider.input },
    {
      header: "Output",
      align: "right",
      cell: (provider) => (provider.media ? "–" : provider.output),
    },
    {
      header: "Cached input",
      align: "right",
      cell: (provider) => (provider.media ? "–" : provider.cachedInput),
    },
    {
      header: "Cache write",
      align: "right",
      cell: (provider) => (provider.media ? "–" : (provider.cacheWrite ?? "Not billed apart")),
    },
  ];
  return (
    <DataTable
      label="Providers and prices"
      columns={columns}
      rows={providers}
      rowKey={(provider) => provider.slug}
    />
  );
}
