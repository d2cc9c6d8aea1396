import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { Form, useNavigation } from "react-router";
import { GrantSchema } from "#app/admin/admin-page-fields.ts";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { Button } from "#app/components/ui/button.tsx";

/** Credits for a user by email, with the reason the audit log shows. */
export function GrantForm({
  token,
  lastResult,
}: {
  token: string;
  lastResult?: SubmissionResult<string[]>;
}) {
  const navigation = useNavigation();
  const [form, fields] = useForm({
    // Not "grant": its credits field would share its id with the section's heading.
    id: "grant-form",
    lastResult: navigation.state === "idle" ? lastResult : undefined,
    constraint: getZodConstraint(GrantSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: GrantSchema }),
    shouldRevalidate: "onInput",
  });
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
