import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import type { z } from "zod";
import { Form, useNavigation } from "react-router";
import { KeyRulesSchema } from "#app/accounts/api-keys/key-rule-fields.ts";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { RuleNumberField } from "#app/components/keys/rule-number-field.tsx";
import { PeriodSelect } from "#app/components/keys/period-select.tsx";
import { Button } from "#app/components/ui/button.tsx";

/** Every limit of one key, changed at once; errors show beside their fields, typed values stay. */
export function KeyRulesForm({
  keyName,
  defaultValue,
  lastResult,
}: {
  keyName: string;
  defaultValue: Record<string, string>;
  lastResult?: SubmissionResult<string[]>;
}) {
  const navigation = useNavigation();
  const [form, fields] = useForm<z.input<typeof KeyRulesSchema>>({
    id: "key-rules",
    defaultValue,
    lastResult: navigation.state === "idle" ? lastResult : undefined,
    constraint: getZodConstraint(KeyRulesSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: KeyRulesSchema }),
    // An error stays until its value changes: a blur must not move the button (issue #23).
    shouldRevalidate: "onInput",
  });
  const saving = navigation.state === "submitting" && navigation.formMethod === "POST";
  return (
    <Form
      method="post"
      aria-label={`Limits of ${keyName}`}
      className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3 sm:items-start"
      {...getFormProps(form)}
    >
      <div className="sm:col-span-2 lg:col-span-3 empty:hidden">
        <FormErrors errors={form.errors} />
      </div>
      <RuleNumberField label="Credit limit, in all (credits)" field={fields.creditLimit} />
      <RuleNumberField label="Credits per period" field={fields.periodLimit} />
      <PeriodSelect label="Period" field={fields.limitPeriod} />
      <RuleNumberField label="Requests per minute" field={fields.rpmLimit} />
      <RuleNumberField label="Tokens per minute" field={fields.tpmLimit} />
      <RuleNumberField label="Cache answers for (seconds)" field={fields.cacheTtlSeconds} />
      <FormField
        label="Expires on"
        errors={fields.expiresOn.errors}
        inputProps={getInputProps(fields.expiresOn, { type: "date" })}
      />
      <div className="sm:col-span-2 lg:col-span-3">
        <FormField
          label="Only these models (empty: all)"
          errors={fields.allowedModels.errors}
          inputProps={{
            ...getInputProps(fields.allowedModels, { type: "text" }),
            placeholder: "gpt-4o-mini, claude-haiku-4-5",
          }}
        />
      </div>
      <div>
        <Button type="submit" disabled={saving}>
          {saving ? "Saving…" : "Save limits"}
        </Button>
      </div>
    </Form>
  );
}
