import {
  getFormProps,
  getInputProps,
  getSelectProps,
  useForm,
  type FieldMetadata,
  type SubmissionResult,
} from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import type { ComponentProps } from "react";
import type { z } from "zod";
import { Form, useNavigation } from "react-router";
import { KeyRulesSchema } from "#app/accounts/api-keys/key-rule-fields.ts";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { Label } from "#app/components/ui/label.tsx";

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
      <FormField
        label="Credit limit, in all (credits)"
        errors={fields.creditLimit.errors}
        inputProps={{ ...getInputProps(fields.creditLimit, { type: "number" }), min: 1 }}
      />
      <FormField
        label="Credits per period"
        errors={fields.periodLimit.errors}
        inputProps={{ ...getInputProps(fields.periodLimit, { type: "number" }), min: 1 }}
      />
      <PeriodSelect label="Period" field={fields.limitPeriod} />
      <FormField
        label="Requests per minute"
        errors={fields.rpmLimit.errors}
        inputProps={{ ...getInputProps(fields.rpmLimit, { type: "number" }), min: 1 }}
      />
      <FormField
        label="Tokens per minute"
        errors={fields.tpmLimit.errors}
        inputProps={{ ...getInputProps(fields.tpmLimit, { type: "number" }), min: 1 }}
      />
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

/** Day or month, for a period credit limit; month unless the form says otherwise. */
export function PeriodSelect({
  label,
  field,
  ...props
}: { label: string; field: FieldMetadata<string | undefined> } & ComponentProps<"select">) {
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={field.id}>{label}</Label>
      <select
        {...getSelectProps(field)}
        {...props}
        className="h-9 rounded-md border border-input bg-transparent px-3 text-sm shadow-xs"
      >
        <option value="month">per month</option>
        <option value="day">per day</option>
      </select>
      {field.errors?.length ? (
        <p id={field.errorId} className="text-sm text-destructive">
          {field.errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}
