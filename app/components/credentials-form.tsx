import {
  getFormProps,
  getInputProps,
  useForm,
  type FieldMetadata,
  type SubmissionResult,
} from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import type { ReactNode } from "react";
import { Form, Link, useSearchParams } from "react-router";
import type { z } from "zod";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { sameSitePath } from "#app/utils/safe-redirect.ts";
import { withRedirect } from "#app/utils/with-redirect.ts";

/** The email field of the sign-in, sign-up and forgot-password forms. */
export function EmailField({ field }: { field: FieldMetadata<string> }) {
  return (
    <FormField
      label="Email"
      errors={field.errors}
      inputProps={{ ...getInputProps(field, { type: "email" }), autoComplete: "email" }}
    />
  );
}

/** "No account yet? Create one": the way to the other form, the page to return to kept. */
export function OtherAuthForm({ text, to, label }: { text: string; to: string; label: string }) {
  const [searchParams] = useSearchParams();
  return (
    <>
      {text}{" "}
      <Link
        to={withRedirect(to, searchParams.get("redirectTo"))}
        className="font-medium text-foreground underline underline-offset-4"
      >
        {label}
      </Link>
    </>
  );
}

/**
 * The sign-in and sign-up form: email, password, the page to return to, and a
 * submit button; `extra` goes between the password and the button.
 */
export function CredentialsForm({
  id,
  schema,
  lastResult,
  passwordLabel,
  passwordAutoComplete,
  submitLabel,
  extra,
}: {
  id: string;
  schema: z.ZodType<{ email: string; password: string }>;
  lastResult: SubmissionResult<string[]> | undefined;
  passwordLabel: string;
  passwordAutoComplete: "current-password" | "new-password";
  submitLabel: string;
  extra?: ReactNode;
}) {
  const [searchParams] = useSearchParams();
  const [form, fields] = useForm<{ email: string; password: string }>({
    id,
    lastResult,
    constraint: getZodConstraint(schema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    // An error stays until its value changes: on blur it would vanish, the button would move
    // up under the pointer between press and release, and the click would miss (issue #23).
    shouldRevalidate: "onInput",
  });
  return (
    <Form method="post" className="grid gap-4" {...getFormProps(form)}>
      <FormErrors errors={form.errors} />
      <input
        type="hidden"
        name="redirectTo"
        value={sameSitePath(searchParams.get("redirectTo")) ?? ""}
      />
      <EmailField field={fields.email} />
      <FormField
        label={passwordLabel}
        errors={fields.password.errors}
        inputProps={{
          ...getInputProps(fields.password, { type: "password" }),
          autoComplete: passwordAutoComplete,
        }}
      />
      {extra}
      <Button type="submit">{submitLabel}</Button>
    </Form>
  );
}
