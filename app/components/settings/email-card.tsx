import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { Form } from "react-router";
import { ChangeEmailSchema } from "#app/accounts/account-rules.ts";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { SETTINGS_FORM_CHECKS } from "#app/components/settings/settings-form.ts";
import { Button } from "#app/components/ui/button.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";

/** A new email to sign in with, confirmed with the password. */
export function EmailCard({
  email,
  lastResult,
}: {
  email: string;
  lastResult?: SubmissionResult<string[]>;
}) {
  const [form, fields] = useForm({
    id: "change-email",
    lastResult,
    constraint: getZodConstraint(ChangeEmailSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ChangeEmailSchema }),
    ...SETTINGS_FORM_CHECKS,
    defaultValue: { email },
  });
  return (
    <Card>
      <CardHeader>
        <CardTitle>Change email</CardTitle>
        <CardDescription>The address you sign in with and get mail at.</CardDescription>
      </CardHeader>
      <CardContent>
        <Form method="post" className="grid gap-4" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="email" />
          <FormErrors errors={form.errors} />
          <FormField
            label="New email"
            errors={fields.email.errors}
            inputProps={{
              ...getInputProps(fields.email, { type: "email" }),
              autoComplete: "email",
            }}
          />
          <FormField
            label="Password"
            errors={fields.password.errors}
            inputProps={{
              ...getInputProps(fields.password, { type: "password" }),
              autoComplete: "current-password",
            }}
          />
          <Button type="submit" className="justify-self-start">
            Change email
          </Button>
        </Form>
      </CardContent>
    </Card>
  );
}
