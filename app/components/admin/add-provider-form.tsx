import {
  getFormProps,
  getInputProps,
  getSelectProps,
  type SubmissionResult,
} from "@conform-to/react";
import { Form } from "react-router";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { Label } from "#app/components/ui/label.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { CreateProviderFormSchema } from "#app/admin/provider-fields.ts";
import { useAdminForm } from "./use-admin-form.ts";

/** A new provider and, if given, its first key; the form empties once it is added. */
export function AddProviderForm({
  kinds,
  lastResult,
}: {
  kinds: readonly string[];
  lastResult?: SubmissionResult<string[]>;
}) {
  const [form, fields] = useAdminForm("add-provider", CreateProviderFormSchema, lastResult, {
    kind: "openai-compatible",
    streamUsage: "on",
  });
  return (
    <Form
      method="post"
      className="grid gap-3 sm:grid-cols-3 sm:items-start"
      {...getFormProps(form)}
    >
      <div className="empty:hidden sm:col-span-3">
        <FormErrors errors={form.errors} />
      </div>
      <input type="hidden" name="intent" value="create" />
      <FormField
        label="Slug"
        errors={fields.slug.errors}
        inputProps={{ ...getInputProps(fields.slug, { type: "text" }), placeholder: "groq" }}
      />
      <div className="grid gap-1.5">
        <Label htmlFor={fields.kind.id}>Kind</Label>
        <select
          {...getSelectProps(fields.kind)}
          aria-invalid={fields.kind.errors ? true : undefined}
          aria-describedby={fields.kind.errors ? `${fields.kind.id}-error` : undefined}
          className="h-9 rounded-md border bg-transparent px-2 text-sm"
        >
          {kinds.map((kind) => (
            <option key={kind}>{kind}</option>
          ))}
        </select>
        {fields.kind.errors ? (
          <p id={`${fields.kind.id}-error`} className="text-sm text-destructive">
            {fields.kind.errors.join(" ")}
          </p>
        ) : null}
      </div>
      <FormField
        label="Base URL"
        errors={fields.baseUrl.errors}
        inputProps={{
          ...getInputProps(fields.baseUrl, { type: "url" }),
          placeholder: "https://api.groq.com/openai/v1",
        }}
      />
      <FormField
        label="Name (optional)"
        errors={fields.name.errors}
        inputProps={{ ...getInputProps(fields.name, { type: "text" }), placeholder: "Groq" }}
      />
      <FormField
        label="Upstream key"
        errors={fields.apiKey.errors}
        inputProps={{ ...getInputProps(fields.apiKey, { type: "password" }), autoComplete: "off" }}
      />
      <label className="flex items-center gap-2 text-sm sm:mt-6">
        <input {...getInputProps(fields.streamUsage, { type: "checkbox", value: "on" })} />
        Its streams report token usage
      </label>
      <Button type="submit" className="justify-self-start">
        Add provider
      </Button>
    </Form>
  );
}
