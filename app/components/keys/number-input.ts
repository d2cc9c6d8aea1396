import { getInputProps, type FieldMetadata } from "@conform-to/react";

/** A key rule's number field: whole numbers from 1 (the schemas refuse 0 and below). */
export const ruleNumberInput = (field: FieldMetadata<number | undefined>) => ({
  ...getInputProps(field, { type: "number" }),
  min: 1,
});
