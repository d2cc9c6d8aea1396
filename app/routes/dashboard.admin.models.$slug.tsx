import {
  getFieldsetProps,
  getFormProps,
  getInputProps,
  useForm,
  type SubmissionResult,
} from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link, useNavigation } from "react-router";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { requireAdminId } from "#app/accounts/require-user.server.ts";
import { modelForEditing, saveModel } from "#app/admin/model-edit.server.ts";
import { ModelEditSchema } from "#app/admin/model-fields.ts";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { GatewayError } from "#app/http/gateway-error.ts";
import { readForm } from "#app/http/read-form.server.ts";
import { microToUsd } from "#app/utils/money.ts";
import type { Route } from "./+types/dashboard.admin.models.$slug";

// One model's edit form (the Admin page's table links here): its limits and
// the prices of each provider route, saved together; a bad value answers
// beside its field with what was typed kept (ADR 046, ADR 050).

async function findModel(slug: string) {
  try {
    return await modelForEditing(getAccounts().prisma, slug);
  } catch (error) {
    if (error instanceof GatewayError && error.status === 404)
      throw data(`No model '${slug}'`, { status: 404 });
    throw error;
  }
}

export async function loader({ request, params }: Route.LoaderArgs) {
  await requireAdminId(request);
  const model = await findModel(params.slug);
  return {
    model: {
      slug: model.slug,
      name: model.name,
      contextLength: model.contextLength,
      maxOutputTokens: model.maxOutputTokens,
    },
    routes: model.mappings.map((mapping) => ({
      id: mapping.id,
      provider: mapping.provider.slug,
      providerEnabled: mapping.provider.enabled,
      upstreamModel: mapping.upstreamModel,
      enabled: mapping.enabled,
      inputPrice: microToUsd(mapping.inputPrice),
      cachedInputPrice: microToUsd(mapping.cachedInputPrice),
      outputPrice: microToUsd(mapping.outputPrice),
    })),
  };
}

export async function action({ request, params }: Route.ActionArgs) {
  const admin = { id: await requireAdminId(request), request };
  await findModel(params.slug);
  const submission = parseWithZod(await readForm(request), { schema: ModelEditSchema });
  if (submission.status !== "success")
    return data({ result: submission.reply(), message: null }, { status: 400 });
  try {
    await saveModel(getAccounts().prisma, params.slug, submission.value, admin);
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    // The library names the field ("maxOutputTokens: ..."): the form shows it there.
    const field = error.param === "maxOutputTokens" ? error.param : "";
    const text = error.message.replace(/^maxOutputTokens: must be/, "Must be");
    const reply = submission.reply({ fieldErrors: { [field]: [text] } });
    return data({ result: reply, message: null }, { status: error.status });
  }
  // No result: the form starts again from what is stored now (the loader's values).
  return {
    result: undefined,
    message: `Saved ${params.slug}. New requests use these limits and prices now.`,
  };
}

export const meta: Route.MetaFunction = ({ params }) => [
  { title: `Admin: ${params.slug} · LLM Gateway` },
];

export default function EditModel({ loaderData, actionData }: Route.ComponentProps) {
  const { model } = loaderData;
  return (
    <div className="grid max-w-3xl gap-6">
      <div className="grid gap-1">
        <Link to="/dashboard/admin" className="text-sm text-muted-foreground underline">
          Back to models
        </Link>
        <h1 className="text-2xl font-semibold tracking-tight break-words">{model.slug}</h1>
        <p className="text-sm text-muted-foreground">
          {model.name}. Prices in US dollars per 1M tokens, up to 8 decimals. Changes apply to new
          requests on every instance at once.
        </p>
      </div>
      {actionData?.message ? (
        <p role="status" className="rounded-md border px-3 py-2 text-sm">
          {actionData.message}
        </p>
      ) : null}
      <ModelForm
        // A fresh form once what is stored changed: its defaults are the stored values.
        key={JSON.stringify(loaderData)}
        model={model}
        routes={loaderData.routes}
        lastResult={actionData?.result}
      />
    </div>
  );
}

function ModelForm({
  model,
  routes,
  lastResult,
}: {
  model: Route.ComponentProps["loaderData"]["model"];
  routes: Route.ComponentProps["loaderData"]["routes"];
  lastResult?: SubmissionResult<string[]>;
}) {
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "model-form",
    lastResult: navigation.state === "idle" ? lastResult : undefined,
    constraint: getZodConstraint(ModelEditSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ModelEditSchema }),
    shouldRevalidate: "onInput",
    defaultValue: {
      contextLength: String(model.contextLength),
      maxOutputTokens: String(model.maxOutputTokens),
      routes: routes.map((route) => ({
        id: String(route.id),
        inputPrice: route.inputPrice,
        cachedInputPrice: route.cachedInputPrice,
        outputPrice: route.outputPrice,
        enabled: route.enabled ? "on" : undefined,
      })),
    },
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
      {routeFields.map((routeField, index) => {
        const route = routes[index]!;
        const prices = routeField.getFieldset();
        return (
          <fieldset
            key={routeField.key}
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
            <FormField
              label="Input price (US$ per 1M tokens)"
              errors={prices.inputPrice.errors}
              inputProps={{
                ...getInputProps(prices.inputPrice, { type: "text" }),
                inputMode: "decimal",
              }}
            />
            <FormField
              label="Cached input price (US$ per 1M tokens)"
              errors={prices.cachedInputPrice.errors}
              inputProps={{
                ...getInputProps(prices.cachedInputPrice, { type: "text" }),
                inputMode: "decimal",
              }}
            />
            <FormField
              label="Output price (US$ per 1M tokens)"
              errors={prices.outputPrice.errors}
              inputProps={{
                ...getInputProps(prices.outputPrice, { type: "text" }),
                inputMode: "decimal",
              }}
            />
            <label className="flex items-center gap-2 text-sm sm:col-span-3">
              <input {...getInputProps(prices.enabled, { type: "checkbox", value: "on" })} />
              Serve {model.slug} through {route.provider}
            </label>
          </fieldset>
        );
      })}
      <Button type="submit" className="justify-self-start" aria-label={`Save ${model.slug}`}>
        Save
      </Button>
    </Form>
  );
}

// A failed action or loader (no such model, not an admin) shows inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
