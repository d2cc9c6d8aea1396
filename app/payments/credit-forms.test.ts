import { getZodConstraint } from "@conform-to/zod/v4";
import { expect, test } from "vitest";
import { AutoTopUpSchema, CheckoutSchema, typedCents } from "./credit-forms.ts";

test("typed dollars become whole cents within the limits, or nothing", () => {
  expect(["$42.50", "42.5", " 5 ", "1000", "$ 12.34"].map(typedCents)).toEqual([
    4250, 4250, 500, 100_000, 1234,
  ]);
  expect(["4.99", "1000.01", "5.001", "abc", "", "-10", "1e3", undefined].map(typedCents)).toEqual(
    Array(8).fill(undefined),
  );
});

// The page renders the forms' HTML constraints from these: a schema conform cannot read
// (a transform) fails the whole page with a 500.
test("conform reads the forms' constraints", () => {
  expect(getZodConstraint(CheckoutSchema).customAmount).toMatchObject({ required: false });
  expect(getZodConstraint(AutoTopUpSchema).thresholdCredits).toMatchObject({ required: true });
});
