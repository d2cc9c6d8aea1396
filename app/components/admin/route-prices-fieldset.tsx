import { getFieldsetProps, getInputProps, type FieldMetadata } from "@conform-to/react";
import type { ModelEditPage } from "#app/admin/model-edit.server.ts";
import { FormField } from "#app/components/form-field.tsx";
import { Badge } from "#app/components/ui/badge.tsx";

type RouteFields = FieldMetadata<{
  id: number;
  inputPrice: string;
  cachedInputPrice: string;
  outputPrice: string;
  enabled?: "on";
}>;

/** One provider route of a model: its three prices and whether it serves. */
export function RoutePricesFieldset({
  slug,
  route,
  routeField,
}: {
  slug: string;
  route: ModelEditPage["routes"][number];
  routeField: RouteFields;
}) {
  const prices = routeField.getFieldset();
  const price = (field: typeof prices.inputPrice, label: string) => (
    <FormField
      label={label}
      errors={field.errors}
      inputProps={{ ...getInputProps(field, { type: "text" }), inputMode: "decimal" }}
    />
  );
  return (
    <fieldset
      className="grid gap-3 rounded-lg border p-4 sm:grid-cols-3 sm:items-start"
      {...getFieldsetProps(routeField)}
    >
      <legend className="flex flex-wrap items-center gap-2 px-1 font-medium">
        <span className="break-all">
          {route.provider} → {route.upstreamModel}
        </span>
        {route.providerEnabled ? null : <Badge variant="outline">provider disabled</Badge>}
      </legend>
      <input {...getInputProps(prices.id, { type: "hidden" })} />
      {price(prices.inputPrice, "Input price (US$ per 1M tokens)")}
      {price(prices.cachedInputPrice, "Cached input price (US$ per 1M tokens)")}
      {price(prices.outputPrice, "Output price (US$ per 1M tokens)")}
      <label className="flex items-center gap-2 text-sm sm:col-span-3">
        <input {...getInputProps(prices.enabled, { type: "checkbox", value: "on" })} />
        Serve {slug} through {route.provider}
      </label>
    </fieldset>
  );
}
