import type { ComponentProps } from "react";
import { Input } from "#app/components/ui/input.tsx";
import { Label } from "#app/components/ui/label.tsx";

/** A labelled input with its error messages, wired for screen readers. */
export function FormField({
  label,
  errors,
  inputProps,
}: {
  label: string;
  errors?: string[];
  inputProps: ComponentProps<"input"> & { id: string };
}) {
  const errorId = `${inputProps.id}-error`;
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={inputProps.id}>{label}</Label>
      <Input
        {...inputProps}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? errorId : undefined}
      />
      <FieldError id={errorId} errors={errors} />
    </div>
  );
}

/** A field's error messages under it; `id` is what the field's aria-describedby names. */
export function FieldError({ id, errors }: { id: string; errors?: string[] }) {
  return errors?.length ? (
    <p id={id} className="text-sm text-destructive">
      {errors.join(" ")}
    </p>
  ) : null;
}

export function FormErrors({ errors }: { errors?: string[] }) {
  return errors?.length ? (
    <p
      role="alert"
      className="rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm text-destructive"
    >
      {errors.join(" ")}
    </p>
  ) : null;
}
