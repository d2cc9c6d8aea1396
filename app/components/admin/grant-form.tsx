import { getFormProps, getInputProps, type SubmissionResult } from "@conform-to/react";
import { Form } from "react-router";
import { GrantSchema } from "#app/admin/admin-page-fields.ts";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { useAdminForm } from "./use-admin-form.ts";

/** Credits for a user by email, with the reason the audit log shows. */
export function GrantForm({
  token,
  lastResult,
}: {
  token: string;
  lastResult?: SubmissionResult<string[]>;
}) {
  // Not "grant": its credits field would share its id with the section's heading.
  const [form, fields] = useAdminForm("grant-form", GrantSchema, lastResult);
  return (
    <Form
      method="post"
      className="grid gap-3 max-w-3xl sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_minmax(0,2fr)_auto] sm:items-start"
      {...getFormProps(form)}
    >
      <div className="empty:hidden sm:col-span-4">
        <FormErrors errors={form.errors} />
      </div>
      <input type="hidden" name="intent" value="grant" />
      <input type="hidden" name="token" value={token} />
      <FormField
        label="User's email"
        errors={fields.email.errors}
        inputProps={getInputProps(fields.email, { type: "email" })}
      />
      <FormField
        label="Credits"
        errors={fields.credits.errors}
        inputProps={getInputProps(fields.credits, { type: "number" })}
      />
      <FormField
        label="Why"
        errors={fields.note.errors}
        inputProps={getInputProps(fields.note, { type: "text" })}
      />
      <Button type="submit" variant="outline" className="justify-self-start sm:mt-5">
        Grant
      </Button>
    </Form>
  );
}
