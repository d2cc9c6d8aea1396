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
      {errors?.length ? (
        <p id={errorId} className="text-sm text-destructive">
          {errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
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
