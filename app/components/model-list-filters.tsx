import { Form, Link, useLocation, useNavigation } from "react-router";
import { CAPABILITIES, CAPABILITY_LABELS } from "#app/catalog/model-capabilities.ts";
import type { ModelSort } from "#app/usage/model-list-query.ts";
import type { ModelPrices } from "#app/usage/model-prices.server.ts";
import { FilterSelect } from "#app/components/usage/filter-select.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { Input } from "#app/components/ui/input.tsx";
import { Label } from "#app/components/ui/label.tsx";

const SORT_LABELS: Record<ModelSort, string> = {
  maker: "Made by",
  name: "Name",
  input: "Input price, lowest first",
  output: "Output price, lowest first",
  context: "Context, largest first",
};

const models = (count: number) => `${count} model${count === 1 ? "" : "s"}`;

/** The Models list's search, filters and order: a plain GET form, so it works without JavaScript. */
export function ModelListFilters({ prices }: { prices: ModelPrices }) {
  const { query } = prices;
  const navigation = useNavigation();
  const { pathname, search } = useLocation();
  return (
    <Form
      // Fresh fields after a navigation (Clear, back): their defaults are the query's.
      key={search}
      method="get"
      role="search"
      aria-label="Find models"
      className="mt-6 grid grid-cols-2 items-end gap-3 rounded-lg border p-4 lg:grid-cols-3"
    >
      <div className="col-span-2 grid min-w-0 gap-1.5 lg:col-span-1">
        <Label htmlFor="models-q">Search</Label>
        <Input
          id="models-q"
          type="search"
          name="q"
          placeholder="Name or slug"
          defaultValue={query.q ?? ""}
        />
      </div>
      <FilterSelect
        id="models-provider"
        label="Provider"
        name="provider"
        value={query.provider}
        options={prices.providers.map((provider) => ({
          value: provider.slug,
          label: provider.name,
        }))}
      />
      <FilterSelect
        id="models-capability"
        label="Capability"
        name="capability"
        value={query.capability}
        options={CAPABILITIES.map((capability) => ({
          value: capability,
          label: CAPABILITY_LABELS[capability],
        }))}
      />
      <div className="grid min-w-0 gap-1.5">
        <Label htmlFor="models-max-input">Max input price (US$ per 1M)</Label>
        <Input
          id="models-max-input"
          type="number"
          name="maxInput"
          min={0}
          step="any"
          inputMode="decimal"
          defaultValue={query.maxInput ?? ""}
        />
      </div>
      <div className="grid min-w-0 gap-1.5">
        <Label htmlFor="models-min-context">Min context (tokens)</Label>
        <Input
          id="models-min-context"
          type="number"
          name="minContext"
          min={0}
          step={1}
          inputMode="numeric"
          defaultValue={query.minContext ?? ""}
        />
      </div>
      <div className="grid min-w-0 gap-1.5">
        <Label htmlFor="models-sort">Sort by</Label>
        <select
          id="models-sort"
          name="sort"
          defaultValue={query.sort}
          className="h-9 w-full min-w-0 rounded-md border border-input bg-transparent px-2 text-sm"
        >
          {Object.entries(SORT_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="col-span-2 flex flex-wrap items-center gap-4 lg:col-span-3">
        <Button type="submit" variant="secondary">
          {navigation.state === "loading" ? "Filtering…" : "Apply"}
        </Button>
        <Link to={pathname} className="text-sm underline underline-offset-4">
          Clear
        </Link>
        <p role="status" className="text-sm text-muted-foreground">
          {prices.models.length === prices.total
            ? models(prices.total)
            : `${prices.models.length} of ${models(prices.total)}`}
        </p>
      </div>
    </Form>
  );
}
