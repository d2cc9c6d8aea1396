import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { Form, useNavigation } from "react-router";
import { CreateKeySchema, KeyActionSchema } from "#app/accounts/api-keys/key-rule-fields.ts";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { RuleNumberField } from "#app/components/keys/rule-number-field.tsx";
import { PeriodSelect } from "#app/components/keys/period-select.tsx";
import { Button } from "#app/components/ui/button.tsx";

/** The new key's name and optional rules; errors beside their fields, what was typed kept. */
export function CreateKeyForm({ lastResult }: { lastResult?: SubmissionResult<string[]> }) {
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "create-key",
    // Reset after a key is made: back to these, not to blank fields.
    defaultValue: { limitPeriod: "month" },
    lastResult: navigation.state === "idle" ? lastResult : undefined,
    constraint: getZodConstraint(CreateKeySchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: KeyActionSchema }),
    shouldRevalidate: "onInput",
  });
  return (
    <Form method="post" className="grid gap-4 sm:grid-cols-3 sm:items-end" {...getFormProps(form)}>
      <input type="hidden" name="intent" value="create" />
      <FormErrors errors={form.errors} />
      <FormField
        label="Name"
        errors={fields.name.errors}
        inputProps={{ ...getInputProps(fields.name, { type: "text" }), placeholder: "laptop" }}
      />
      <RuleNumberField label="Credit limit (optional)" field={fields.creditLimit} />
      <FormField
        label="Expires on (optional)"
        errors={fields.expiresOn.errors}
        inputProps={getInputProps(fields.expiresOn, { type: "date" })}
      />
      <FormField
        label="Only these models (optional)"
        errors={fields.allowedModels.errors}
        inputProps={{
          ...getInputProps(fields.allowedModels, { type: "text" }),
          placeholder: "gpt-4o-mini, claude-haiku-4-5",
        }}
      />
      <RuleNumberField label="Requests per minute (optional)" field={fields.rpmLimit} />
      <RuleNumberField label="Tokens per minute (optional)" field={fields.tpmLimit} />
      <RuleNumberField
        label="Cache answers for (seconds, optional)"
        field={fields.cacheTtlSeconds}
      />
      <RuleNumberField label="Credits per period (optional)" field={fields.periodLimit} />
      <PeriodSelect label="Period" field={fields.limitPeriod} />
      <Button type="submit" disabled={navigation.state === "submitting"}>
        {navigation.state === "submitting" ? "Creating…" : "Create key"}
      </Button>
    </Form>
  );
}
