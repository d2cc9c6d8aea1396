import { Form } from "react-router";
import { DataTable, type Column } from "#app/components/data-table.tsx";
import { Button } from "#app/components/ui/button.tsx";

interface AliasRow {
  name: string;
  model: string;
  openRouterId: string;
}

const COLUMNS: Column<AliasRow>[] = [
  { header: "Alias", unlabelled: true, className: "font-mono text-xs", cell: (a) => a.name },
  { header: "Model", cell: (alias) => alias.model },
  { header: "OpenRouter id", className: "font-mono text-xs", cell: (a) => a.openRouterId },
  {
    header: "",
    unlabelled: true,
    cell: (alias) => (
      <Form method="post">
        <input type="hidden" name="intent" value="alias-delete" />
        <input type="hidden" name="name" value={alias.name} />
        <Button
          type="submit"
          size="sm"
          variant="outline"
          aria-label={`Remove the alias ${alias.name}`}
        >
          Remove
        </Button>
      </Form>
    ),
  },
];

/** The aliases an admin set, each with its Remove button; nothing while there are none. */
export function AliasesTable({ aliases }: { aliases: readonly AliasRow[] }) {
  return (
    <DataTable
      label="Model aliases"
      columns={COLUMNS}
      rows={aliases}
      rowKey={(alias) => alias.name}
      empty={null}
    />
  );
}
