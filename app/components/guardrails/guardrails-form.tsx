import {
  getFormProps,
  getInputProps,
  getSelectProps,
  getTextareaProps,
  useForm,
  type FieldMetadata,
  type SubmissionResult,
} from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import type { z } from "zod";
import { Form, useNavigation } from "react-router";
import { GuardrailsFormSchema } from "#app/accounts/guardrails/guardrail-form.ts";
import { FieldError, FormErrors, FormField } from "#app/components/form-field.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { Label } from "#app/components/ui/label.tsx";

/**
 * A key's or a team's guardrails (ADR 067), changed at once; an empty field is
 * no rule. Works without JavaScript: a plain form post, answered in place.
 */
export function GuardrailsForm({
  label,
  defaultValue,
  lastResult,
  disabled = false,
}: {
  /** The form's accessible name ("Guardrails of ci-key"). */
  label: string;
  defaultValue: Record<string, string>;
  lastResult?: SubmissionResult<string[]>;
  /** Shown, not editable (a member's view of their key's guardrails). */
  disabled?: boolean;
}) {
  const navigation = useNavigation();
  const [form, fields] = useForm<z.input<typeof GuardrailsFormSchema>>({
    id: "guardrails-form",
    defaultValue,
    lastResult: navigation.state === "idle" ? lastResult : undefined,
    constraint: getZodConstraint(GuardrailsFormSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: GuardrailsFormSchema }),
    shouldRevalidate: "onInput",
  });
  const saving =
    navigation.state === "submitting" && navigation.formData?.get("intent") === "guardrails";
  return (
    <Form
      method="post"
      aria-label={label}
      className="grid gap-4 sm:grid-cols-2 sm:items-start"
      {...getFormProps(form)}
    >
      <input type="hidden" name="intent" value="guardrails" />
      <fieldset disabled={disabled} className="contents">
        <div className="sm:col-span-2 empty:hidden">
          <FormErrors errors={form.errors} />
        </div>
        <FormField
          label="Only these providers (empty: any)"
          errors={fields.allowedProviders.errors}
          inputProps={{
            ...getInputProps(fields.allowedProviders, { type: "text" }),
            placeholder: "openai, anthropic",
          }}
        />
        <FormField
          label="Never these providers"
          errors={fields.deniedProviders.errors}
          inputProps={{
            ...getInputProps(fields.deniedProviders, { type: "text" }),
            placeholder: "google",
          }}
        />
        <FormField
          label="Max tokens per request"
          errors={fields.maxTokens.errors}
          inputProps={{ ...getInputProps(fields.maxTokens, { type: "number" }), min: 1 }}
        />
        <div className="grid gap-4 grid-cols-2">
          <FormField
            label="Max prompt price ($/1M)"
            errors={fields.maxPricePrompt.errors}
            inputProps={{
              ...getInputProps(fields.maxPricePrompt, { type: "number" }),
              min: 0,
              step: "any",
            }}
          />
          <FormField
            label="Max completion price ($/1M)"
            errors={fields.maxPriceCompletion.errors}
            inputProps={{
              ...getInputProps(fields.maxPriceCompletion, { type: "number" }),
              min: 0,
              step: "any",
            }}
          />
        </div>
        <div className="grid gap-4 sm:col-span-2 sm:grid-cols-3">
          <PresetSelect label="E-mail addresses" field={fields.presetEmail} />
          <PresetSelect label="Card numbers" field={fields.presetCardNumber} />
          <PresetSelect label="API keys" field={fields.presetApiKey} />
        </div>
        <div className="grid gap-1.5 sm:col-span-2">
          <Label htmlFor={fields.customRules.id}>
            Custom rules, one a line: name | regular expression | block or redact
          </Label>
          <textarea
            {...getTextareaProps(fields.customRules)}
            rows={3}
            placeholder="codename | project[ -]x | block"
            aria-invalid={fields.customRules.errors?.length ? true : undefined}
            aria-describedby={
              fields.customRules.errors?.length ? fields.customRules.errorId : undefined
            }
            className="rounded-md border border-input bg-transparent px-3 py-2 font-mono text-sm shadow-xs"
          />
          <FieldError id={fields.customRules.errorId} errors={fields.customRules.errors} />
        </div>
        <div>
          <Button type="submit" disabled={saving || disabled}>
            {saving ? "Saving…" : "Save guardrails"}
          </Button>
        </div>
      </fieldset>
    </Form>
  );
}

function PresetSelect({
  label,
  field,
}: {
  label: string;
  field: FieldMetadata<"off" | "block" | "redact" | undefined>;
}) {
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={field.id}>{label}</Label>
      <select
        {...getSelectProps(field)}
        className="h-9 rounded-md border border-input bg-transparent px-3 text-sm shadow-xs"
      >
        <option value="off">allowed</option>
        <option value="redact">redacted</option>
        <option value="block">blocked</option>
      </select>
      <FieldError id={field.errorId} errors={field.errors} />
    </div>
  );
}
