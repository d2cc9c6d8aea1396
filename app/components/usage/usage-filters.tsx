import { Form, useNavigation } from "react-router";
import type { UsageLogPage } from "#app/usage/usage-page.server.ts";
import { Button } from "#app/components/ui/button.tsx";
import { Input } from "#app/components/ui/input.tsx";
import { Label } from "#app/components/ui/label.tsx";
import { FilterSelect } from "./filter-select.tsx";

/** The request log's filters: a plain GET, so a filtered log has an address. */
export function UsageFilters({
  filters,
  keys,
  models,
}: Pick<UsageLogPage, "filters" | "keys" | "models">) {
  const navigation = useNavigation();
  return (
    <Form
      method="get"
      className="grid gap-3 rounded-lg border p-4 sm:grid-cols-3 lg:grid-cols-7 lg:items-end"
    >
      {filters.member ? <input type="hidden" name="member" value={filters.member} /> : null}
      <FilterSelect
        id="filter-key"
        label="Key"
        name="key"
        value={filters.key}
        options={keys.map((key) => ({ value: key.id, label: key.label }))}
      />
      <FilterSelect
        id="filter-model"
        label="Model"
        name="model"
        value={filters.model}
        options={models.map((model) => ({ value: model, label: model }))}
      />
      <FilterSelect
        id="filter-status"
        label="Status"
        name="status"
        value={filters.status}
        options={[
          { value: "SUCCESS", label: "Success" },
          { value: "ERROR", label: "Error" },
          { value: "CANCELLED", label: "Cancelled" },
          { value: "INTERRUPTED", label: "Interrupted" },
        ]}
      />
      <FilterSelect
        id="filter-byok"
        label="Provider key"
        name="byok"
        value={filters.byok}
        options={[
          { value: "true", label: "Yours (BYOK)" },
          { value: "false", label: "The gateway’s" },
        ]}
      />
      <div className="grid gap-1.5">
        <Label htmlFor="filter-from">From</Label>
        <Input id="filter-from" type="date" name="from" defaultValue={filters.from} />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor="filter-to">To</Label>
        <Input id="filter-to" type="date" name="to" defaultValue={filters.to} />
      </div>
      <Button type="submit" variant="secondary">
        {navigation.state === "loading" ? "Filtering…" : "Filter"}
      </Button>
    </Form>
  );
}
