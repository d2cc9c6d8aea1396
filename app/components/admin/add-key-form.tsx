import { getFormProps, getInputProps, type SubmissionResult } from "@conform-to/react";
import { Form } from "react-router";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { AddKeyFormSchema } from "#app/admin/provider-fields.ts";
import { useAdminForm } from "./use-admin-form.ts";

/** One more upstream key for a provider; the form empties once it is added. */
export function AddKeyForm({
  slug,
  lastResult,
}: {
  slug: string;
  lastResult?: SubmissionResult<string[]>;
}) {
  const [form, fields] = useAdminForm(`add-key-${slug}`, AddKeyFormSchema, lastResult);
  return (
    <Form
      method="post"
      className="grid gap-3 text-sm sm:grid-cols-[minmax(0,24rem)_auto] sm:items-start"
      {...getFormProps(form)}
    >
      <div className="empty:hidden sm:col-span-2">
        <FormErrors errors={form.errors} />
      </div>
      <input type="hidden" name="intent" value="add-key" />
      <input type="hidden" name="slug" value={slug} />
      <FormField
        label={`New key for ${slug}`}
        errors={fields.apiKey.errors}
        inputProps={{
          ...getInputProps(fields.apiKey, { type: "password" }),
          autoComplete: "off",
          placeholder: "New upstream key",
        }}
      />
      <Button type="submit" size="sm" className="justify-self-start sm:mt-6">
        Add key
      </Button>
    </Form>
  );
}
