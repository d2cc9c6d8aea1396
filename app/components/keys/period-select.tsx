import { getSelectProps, type FieldMetadata } from "@conform-to/react";
import type { ComponentProps } from "react";
import { FieldError } from "#app/components/form-field.tsx";
import { Label } from "#app/components/ui/label.tsx";

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
      <FieldError id={field.errorId} errors={field.errors} />
    </div>
  );
}
