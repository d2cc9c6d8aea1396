import { getFormProps, getInputProps, type SubmissionResult } from "@conform-to/react";
import { Form } from "react-router";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { ImportModelsFormSchema } from "#app/admin/provider-fields.ts";
import { useAdminForm } from "./use-admin-form.ts";

/** The models an OpenAI-style provider lists, imported switched off at the prices given. */
export function ImportForm({
  slug,
  lastResult,
}: {
  slug: string;
  lastResult?: SubmissionResult<string[]>;
}) {
  const [form, fields] = useAdminForm(`import-${slug}`, ImportModelsFormSchema, lastResult);
  return (
    <Form
      method="post"
      className="grid gap-3 text-sm sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto] sm:items-start"
      aria-label={`Import ${slug}'s models`}
      {...getFormProps(form)}
    >
      <p className="text-muted-foreground sm:col-span-3">
        Import the models it lists, at these prices (US$ per 1M tokens); they start switched off.
      </p>
      <div className="empty:hidden sm:col-span-3">
        <FormErrors errors={form.errors} />
      </div>
      <input type="hidden" name="intent" value="import" />
      <input type="hidden" name="slug" value={slug} />
      <FormField
        label="Input price"
        errors={fields.input.errors}
        inputProps={{ ...getInputProps(fields.input, { type: "text" }), inputMode: "decimal" }}
      />
      <FormField
        label="Output price"
        errors={fields.output.errors}
        inputProps={{ ...getInputProps(fields.output, { type: "text" }), inputMode: "decimal" }}
      />
      <Button type="submit" variant="outline" size="sm" className="justify-self-start sm:mt-6">
        Import models
      </Button>
    </Form>
  );
}
