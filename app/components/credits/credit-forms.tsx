import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { Form, useNavigation } from "react-router";
import type { z } from "zod";
import { AutoTopUpSchema, CheckoutSchema } from "#app/payments/credit-forms.ts";
import { FieldError, FormErrors } from "#app/components/form-field.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { Input } from "#app/components/ui/input.tsx";

// The Credits page's forms (ADR 048): conform with the schemas the action uses;
// an error shows beside its field, with what was typed, until its value changes.

const described = (field: { errors?: string[]; errorId: string }) =>
  field.errors?.length ? { "aria-invalid": true as const, "aria-describedby": field.errorId } : {};

/** Buy credits with a card: a preset amount or one typed in, then Stripe Checkout. */
export function CheckoutForm({
  token,
  presets,
  lastResult,
}: {
  token: string;
  presets: number[];
  lastResult: SubmissionResult<string[]> | undefined;
}) {
  const navigation = useNavigation();
  const [form, fields] = useForm<z.input<typeof CheckoutSchema>, z.output<typeof CheckoutSchema>>({
    id: "checkout",
    defaultValue: { amount: String(presets[1]) },
    lastResult: navigation.state === "idle" ? lastResult : undefined,
    constraint: getZodConstraint(CheckoutSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CheckoutSchema }),
    shouldRevalidate: "onInput",
  });
  const chosen = fields.amount.initialValue;
  const submitting = navigation.state === "submitting";
  return (
    <Form method="post" className="grid gap-3" aria-label="Buy credits" {...getFormProps(form)}>
      <input type="hidden" name="intent" value="checkout" />
      <input type="hidden" name="token" value={token} />
      <FormErrors errors={form.errors} />
      <fieldset className="flex flex-wrap items-center gap-3">
        <legend className="mb-2 text-sm font-medium">Buy credits with a card</legend>
        {presets.map((usd) => (
          <label key={usd} className="flex items-center gap-1 text-sm">
            <input
              type="radio"
              name={fields.amount.name}
              value={String(usd)}
              defaultChecked={chosen === String(usd)}
            />
            ${usd}
          </label>
        ))}
        <label className="flex items-center gap-1 text-sm">
          <input
            type="radio"
            name={fields.amount.name}
            value="custom"
            defaultChecked={chosen === "custom"}
          />{" "}
          Other: $
          <Input
            {...getInputProps(fields.customAmount, { type: "text" })}
            {...described(fields.customAmount)}
            inputMode="decimal"
            className="w-24"
            aria-label="Other amount in US dollars"
            placeholder="5–1000"
          />
        </label>
      </fieldset>
      <FieldError
        id={fields.customAmount.errorId}
        errors={[...(fields.amount.errors ?? []), ...(fields.customAmount.errors ?? [])]}
      />
      <div>
        <Button type="submit" disabled={submitting}>
          {submitting ? "Opening Checkout…" : "Pay with Stripe"}
        </Button>
      </div>
    </Form>
  );
}

/** Auto top-up's settings: on or off, the threshold, the amount charged. */
export function AutoTopUpForm({
  auto,
  lastResult,
}: {
  auto: { enabled: boolean; thresholdCredits: string; amountUsd: string; card: boolean } | null;
  lastResult: SubmissionResult<string[]> | undefined;
}) {
  const navigation = useNavigation();
  const [form, fields] = useForm<z.input<typeof AutoTopUpSchema>, z.output<typeof AutoTopUpSchema>>(
    {
      id: "auto",
      defaultValue: {
        enabled: auto?.enabled ? "on" : undefined,
        thresholdCredits: auto?.thresholdCredits ?? "500",
        amountUsd: auto?.amountUsd ?? "10.00",
      } as never,
      lastResult: navigation.state === "idle" ? lastResult : undefined,
      constraint: getZodConstraint(AutoTopUpSchema),
      onValidate: ({ formData }) => parseWithZod(formData, { schema: AutoTopUpSchema }),
      shouldRevalidate: "onInput",
    },
  );
  return (
    <Form method="post" className="grid gap-2" {...getFormProps(form)}>
      <input type="hidden" name="intent" value="auto" />
      <FormErrors errors={form.errors} />
      <div className="flex flex-wrap items-start gap-3">
        <label className="flex items-center gap-2 self-center text-sm">
          <input {...getInputProps(fields.enabled, { type: "checkbox" })} disabled={!auto?.card} />
          On
        </label>
        <label className="grid gap-1 text-sm">
          Under (credits)
          <Input
            {...getInputProps(fields.thresholdCredits, { type: "number" })}
            {...described(fields.thresholdCredits)}
            min={1}
            className="w-32"
          />
        </label>
        <label className="grid gap-1 text-sm">
          Charge (US$)
          <Input
            {...getInputProps(fields.amountUsd, { type: "text" })}
            {...described(fields.amountUsd)}
            inputMode="decimal"
            className="w-28"
          />
        </label>
        <Button type="submit" variant="outline" className="mt-[22px]">
          Save
        </Button>
      </div>
      {/* Under the row: an error line inside it would widen its column and move the button. */}
      <FieldError id={fields.thresholdCredits.errorId} errors={fields.thresholdCredits.errors} />
      <FieldError id={fields.amountUsd.errorId} errors={fields.amountUsd.errors} />
    </Form>
  );
}
