import { getInputProps, type FieldMetadata } from "@conform-to/react";
import { FormField } from "#app/components/form-field.tsx";

/** A key rule's number field: whole numbers from 1 (the schemas refuse 0 and below). */
export function RuleNumberField({
  label,
  field,
}: {
  label: string;
  field: FieldMetadata<number | undefined>;
}) {
  return (
    <FormField
      label={label}
      errors={field.errors}
      inputProps={{ ...getInputProps(field, { type: "number" }), min: 1 }}
    />
  );
}
