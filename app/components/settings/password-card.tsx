import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { Form } from "react-router";
import { ChangePasswordSchema, MIN_PASSWORD_LENGTH } from "#app/accounts/account-rules.ts";
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

/** A new password, with the current one; the action signs out the other sessions. */
export function PasswordCard({ lastResult }: { lastResult?: SubmissionResult<string[]> }) {
  const [form, fields] = useForm({
    id: "change-password",
    lastResult,
    constraint: getZodConstraint(ChangePasswordSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ChangePasswordSchema }),
    ...SETTINGS_FORM_CHECKS,
  });
  return (
    <Card>
      <CardHeader>
        <CardTitle>Change password</CardTitle>
        <CardDescription>Your other sessions are signed out.</CardDescription>
      </CardHeader>
      <CardContent>
        <Form method="post" className="grid gap-4" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="password" />
          <FormErrors errors={form.errors} />
          <FormField
            label="Current password"
            errors={fields.currentPassword.errors}
            inputProps={{
              ...getInputProps(fields.currentPassword, { type: "password" }),
              autoComplete: "current-password",
            }}
          />
          <FormField
            label={`New password (at least ${MIN_PASSWORD_LENGTH} characters)`}
            errors={fields.newPassword.errors}
            inputProps={{
              ...getInputProps(fields.newPassword, { type: "password" }),
              autoComplete: "new-password",
            }}
          />
          <Button type="submit" className="justify-self-start">
            Change password
          </Button>
        </Form>
      </CardContent>
    </Card>
  );
}
