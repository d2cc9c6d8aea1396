import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { Form } from "react-router";
import { UserGrantSchema } from "#app/admin/user-fields.ts";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { Button } from "#app/components/ui/button.tsx";

/** Credits for the user picked in the list, with the reason their history shows. */
export function UserGrantForm({
  grantee,
  token,
  lastResult,
}: {
  grantee: { id: string; email: string };
  token: string;
  lastResult: SubmissionResult<string[]> | undefined;
}) {
  const [form, fields] = useForm({
    id: "grant-credits",
    lastResult,
    constraint: getZodConstraint(UserGrantSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: UserGrantSchema }),
    // Errors stay until their field is edited: a blur elsewhere (a click on another
    // button) must not take them away and move what is under the pointer.
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <section aria-labelledby="grant" className="grid gap-3 rounded-lg border p-4">
      <h2 id="grant" className="text-lg font-semibold tracking-tight">
        Grant credits to {grantee.email}
      </h2>
      <Form
        method="post"
        className="grid items-start gap-4 sm:grid-cols-[10rem_1fr_auto]"
        {...getFormProps(form)}
      >
        <input type="hidden" name="intent" value="grant" />
        <input type="hidden" name="userId" value={grantee.id} />
        <input type="hidden" name="token" value={token} />
        <div className="sm:col-span-3">
          <FormErrors errors={form.errors} />
        </div>
        <FormField
          label="Credits"
          errors={fields.credits.errors}
          inputProps={getInputProps(fields.credits, { type: "number" })}
        />
        <FormField
          label="Why (shown in their history)"
          errors={fields.note.errors}
          inputProps={getInputProps(fields.note, { type: "text" })}
        />
        <Button type="submit" className="sm:mt-[1.625rem]">
          Grant
        </Button>
      </Form>
    </section>
  );
}
