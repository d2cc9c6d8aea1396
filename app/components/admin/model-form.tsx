import { getFormProps, getInputProps, type SubmissionResult } from "@conform-to/react";
import { Form } from "react-router";
import type { ModelEditPage } from "#app/admin/model-edit.server.ts";
import { ModelEditSchema } from "#app/admin/model-fields.ts";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { RoutePricesFieldset } from "./route-prices-fieldset.tsx";
import { useAdminForm } from "./use-admin-form.ts";

/** A model's limits and each route's prices, saved together. */
export function ModelForm({
  model,
  routes,
  lastResult,
}: {
  model: ModelEditPage["model"];
  routes: ModelEditPage["routes"];
  lastResult?: SubmissionResult<string[]>;
}) {
  const [form, fields] = useAdminForm("model-form", ModelEditSchema, lastResult, {
    contextLength: String(model.contextLength),
    maxOutputTokens: String(model.maxOutputTokens),
    routes: routes.map((route) => ({
      id: String(route.id),
      inputPrice: route.inputPrice,
      cachedInputPrice: route.cachedInputPrice,
      outputPrice: route.outputPrice,
      enabled: route.enabled ? "on" : undefined,
    })),
  });
  const routeFields = fields.routes.getFieldList();
  return (
    <Form
      method="post"
      className="grid gap-6"
      aria-label={`Edit ${model.slug}`}
      {...getFormProps(form)}
    >
      <FormErrors errors={form.errors} />
      <fieldset className="grid gap-3 rounded-lg border p-4 sm:grid-cols-2 sm:items-start">
        <legend className="px-1 font-medium">Limits (tokens)</legend>
        <FormField
          label="Context length"
          errors={fields.contextLength.errors}
          inputProps={getInputProps(fields.contextLength, { type: "number" })}
        />
        <FormField
          label="Max output tokens"
          errors={fields.maxOutputTokens.errors}
          inputProps={getInputProps(fields.maxOutputTokens, { type: "number" })}
        />
      </fieldset>
      {routeFields.length === 0 ? (
        <p className="text-sm text-muted-foreground">
          No provider serves this model: add a provider on the Providers page and import its models.
        </p>
      ) : null}
      {routeFields.map((routeField, index) => (
        <RoutePricesFieldset
          key={routeField.key}
          slug={model.slug}
          route={routes[index]!}
          routeField={routeField}
        />
      ))}
      <Button type="submit" className="justify-self-start" aria-label={`Save ${model.slug}`}>
        Save
      </Button>
    </Form>
  );
}
