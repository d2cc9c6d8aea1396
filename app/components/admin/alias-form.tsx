import { getFormProps, getInputProps, type SubmissionResult } from "@conform-to/react";
import { Form } from "react-router";
import { AliasSchema } from "#app/admin/admin-page-fields.ts";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { useAdminForm } from "./use-admin-form.ts";

/** One more name for a model; the model field suggests the catalog's slugs. */
export function AliasForm({
  models,
  lastResult,
}: {
  models: string[];
  lastResult?: SubmissionResult<string[]>;
}) {
  const [form, fields] = useAdminForm("alias-form", AliasSchema, lastResult);
  return (
    <Form
      method="post"
      className="grid gap-3 max-w-xl sm:grid-cols-[minmax(0,2fr)_minmax(0,3fr)_auto] sm:items-start"
      {...getFormProps(form)}
    >
      <div className="empty:hidden sm:col-span-3">
        <FormErrors errors={form.errors} />
      </div>
      <input type="hidden" name="intent" value="alias" />
      <FormField
        label="Alias"
        errors={fields.name.errors}
        inputProps={{ ...getInputProps(fields.name, { type: "text" }), placeholder: "fast" }}
      />
      <FormField
        label="Model"
        errors={fields.model.errors}
        inputProps={{
          ...getInputProps(fields.model, { type: "text" }),
          list: "alias-models",
          placeholder: "gpt-6.2-sol",
        }}
      />
      <datalist id="alias-models">
        {models.map((slug) => (
          <option key={slug} value={slug} />
        ))}
      </datalist>
      <Button type="submit" variant="outline" className="justify-self-start sm:mt-5">
        Save alias
      </Button>
    </Form>
  );
}
