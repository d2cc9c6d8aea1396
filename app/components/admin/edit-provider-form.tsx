import { getFormProps, getInputProps, type SubmissionResult } from "@conform-to/react";
import { Form } from "react-router";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { EditProviderFormSchema } from "#app/admin/provider-fields.ts";
import type { ProviderRow } from "#app/admin/providers-page.server.ts";
import { useAdminForm } from "./use-admin-form.ts";

/** Name, base URL, usage in streams and timeouts, behind a disclosure; opened while it has errors. */
export function EditProviderForm({
  provider,
  lastResult,
}: {
  provider: ProviderRow;
  lastResult?: SubmissionResult<string[]>;
}) {
  const [form, fields] = useAdminForm(`edit-${provider.slug}`, EditProviderFormSchema, lastResult, {
    name: provider.name,
    baseUrl: provider.baseUrl ?? "",
    streamUsage: provider.streamUsage ? "on" : undefined,
    firstByteTimeoutSeconds: provider.timeouts.firstByteSeconds?.toString() ?? "",
    chunkTimeoutSeconds: provider.timeouts.chunkSeconds?.toString() ?? "",
    answerTimeoutSeconds: provider.timeouts.answerSeconds?.toString() ?? "",
  });
  const timeout = (field: typeof fields.chunkTimeoutSeconds, label: string, fallback: number) => (
    <FormField
      label={label}
      errors={field.errors}
      inputProps={{
        ...getInputProps(field, { type: "number" }),
        inputMode: "numeric",
        placeholder: String(fallback),
      }}
    />
  );
  return (
    <details className="text-sm" open={form.errors || !form.valid ? true : undefined}>
      <summary className="cursor-pointer text-muted-foreground">Edit {provider.slug}</summary>
      <Form
        method="post"
        className="mt-2 grid gap-3 sm:grid-cols-[minmax(0,1fr)_minmax(0,2fr)] sm:items-start"
        {...getFormProps(form)}
      >
        <div className="empty:hidden sm:col-span-2">
          <FormErrors errors={form.errors} />
        </div>
        <input type="hidden" name="intent" value="edit" />
        <input type="hidden" name="slug" value={provider.slug} />
        <FormField
          label="Name"
          errors={fields.name.errors}
          inputProps={getInputProps(fields.name, { type: "text" })}
        />
        <FormField
          label="Base URL (empty: the official API)"
          errors={fields.baseUrl.errors}
          inputProps={getInputProps(fields.baseUrl, { type: "url" })}
        />
        <label className="flex items-center gap-2 sm:col-span-2">
          <input {...getInputProps(fields.streamUsage, { type: "checkbox", value: "on" })} />
          Streams report usage
        </label>
        <fieldset className="grid gap-3 sm:col-span-2 sm:grid-cols-3 sm:items-start">
          <legend className="mb-1 text-muted-foreground">
            Timeouts in seconds; empty: the environment&apos;s (shown greyed)
          </legend>
          {timeout(
            fields.firstByteTimeoutSeconds,
            "First part of a stream",
            provider.defaultTimeouts.firstByteSeconds,
          )}
          {timeout(
            fields.chunkTimeoutSeconds,
            "Between two parts",
            provider.defaultTimeouts.chunkSeconds,
          )}
          {timeout(
            fields.answerTimeoutSeconds,
            "Whole answer (not streamed)",
            provider.defaultTimeouts.answerSeconds,
          )}
        </fieldset>
        <Button type="submit" size="sm" variant="outline" className="justify-self-start">
          Save {provider.slug}
        </Button>
      </Form>
    </details>
  );
}
