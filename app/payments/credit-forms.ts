import { z } from "zod";

// The Credits page's forms (ADR 048): one schema each for conform in the
// browser and the action on the server. Dollars are typed as text ("$42.50")
// and become whole cents here, never a float sum.

export const TOPUP_MIN_USD = 5;
export const TOPUP_MAX_USD = 1_000;

export const AMOUNT_HINT = `Enter an amount from $${TOPUP_MIN_USD} to $${TOPUP_MAX_USD.toLocaleString("en")}, in dollars and cents`;

const DOLLARS = /^\$?\s*(\d{1,7})(?:\.(\d{1,2}))?$/;

/** "$42.5" -> 4250; undefined for anything else or outside the limits. */
export function typedCents(typed: string | undefined) {
  const match = DOLLARS.exec(typed?.trim() ?? "");
  if (!match) return undefined;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  return cents >= TOPUP_MIN_USD * 100 && cents <= TOPUP_MAX_USD * 100 ? cents : undefined;
}

export const CheckoutSchema = z
  .object({
    intent: z.literal("checkout"),
    // A fresh one per page view: Stripe's idempotency key.
    token: z.uuid({ error: "This form has expired; reload the page and try again." }),
    // A preset, or "custom" with the amount typed in.
    amount: z.string({ error: "Pick an amount" }).max(20),
    customAmount: z.string().max(20).optional(),
  })
  // A check, not a transform: conform reads the form's HTML constraints from the object.
  .superRefine((input, ctx) => {
    if (checkoutCents(input) === undefined)
      ctx.addIssue({
        code: "custom",
        message: `${AMOUNT_HINT}.`,
        path: [input.amount === "custom" ? "customAmount" : "amount"],
      });
  });

/** The checkout's amount in cents (valid once the schema passed). */
export const checkoutCents = (input: { amount: string; customAmount?: string }) =>
  typedCents(input.amount === "custom" ? input.customAmount : input.amount);

export const AutoTopUpSchema = z
  .object({
    intent: z.literal("auto"),
    enabled: z.boolean().default(false),
    thresholdCredits: z
      .number({ error: "Enter a whole number of credits" })
      .int("Enter a whole number of credits")
      .min(1, "At least 1 credit")
      .max(10_000_000, "At most 10,000,000 credits"),
    amountUsd: z.string({ error: `${AMOUNT_HINT}.` }).max(20),
  })
  .superRefine((input, ctx) => {
    const amountCents = typedCents(input.amountUsd);
    if (amountCents === undefined)
      ctx.addIssue({ code: "custom", message: `${AMOUNT_HINT}.`, path: ["amountUsd"] });
    // A top-up that leaves the balance under the threshold would start the next one at once.
    else if (amountCents <= input.thresholdCredits)
      ctx.addIssue({
        code: "custom",
        message: "Buy more credits than the threshold (1 credit = 1 cent).",
        path: ["amountUsd"],
      });
  });
