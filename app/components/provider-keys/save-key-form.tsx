import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { Form, useNavigation } from "react-router";
import { OwnKeyActionSchema } from "#app/accounts/own-provider-keys/own-provider-key-fields.ts";
import { Button } from "#app/components/ui/button.tsx";
import { Input } from "#app/components/ui/input.tsx";

/** One provider's key: saved or replaced; a refused one answers beside its field. */
export function SaveKeyForm({
  provider,
  lastResult,
}: {
  provider: { slug: string; name: string; key: { fallback: boolean } | null };
  lastResult?: SubmissionResult<string[]>;
}) {
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: `own-key-${provider.slug}`,
    lastResult: navigation.state === "idle" ? lastResult : undefined,
    constraint: getZodConstraint(OwnKeyActionSchema.options[0]),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: OwnKeyActionSchema }),
    shouldRevalidate: "onInput",
  });
  const errors = fields.apiKey.errors;
  return (
    <Form method="post" className="grid gap-1" {...getFormProps(form)}>
      <div className="flex flex-wrap items-center gap-2">
        <input type="hidden" name="intent" value="save" />
        <input type="hidden" name="provider" value={provider.slug} />
        <Input
          {...getInputProps(fields.apiKey, { type: "password" })}
          autoComplete="off"
          className="w-56"
          placeholder={provider.key ? "a new key" : "your key"}
          aria-label={`Your ${provider.name} key`}
        />
        <label className="flex items-center gap-1 text-xs">
          <input type="checkbox" name="fallback" defaultChecked={provider.key?.fallback ?? false} />
          fall back
        </label>
        <Button type="submit" size="sm" variant="outline">
          {provider.key ? "Replace" : "Save"}
        </Button>
      </div>
      {errors?.length || form.errors?.length ? (
        <p id={fields.apiKey.errorId} className="text-sm text-destructive">
          {[...(errors ?? []), ...(form.errors ?? [])].join(" ")}
        </p>
      ) : null}
    </Form>
  );
}
