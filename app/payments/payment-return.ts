// The page Checkout sends the user back to (ADR 045), shared by its loader and its view.

/** The waiting page looks again every this many seconds... */
export const RETURN_CHECK_SECONDS = 2;
/** ...this many times (about a minute), then says what to do instead of waiting on. */
export const RETURN_MAX_CHECKS = 30;

/** What the page says of the payment the user came back from. */
export type PaymentReturn = {
  paymentId: string;
  credits: string;
  /** The view's check number, counted in the page's URL (so that it works without JavaScript). */
  check: number;
  /** Back to an unfinished Checkout. */
  checkoutUrl: string | null;
  state:
    | "credited"
    /** Stripe has not answered (yet): the page looks again. */
    | "waiting"
    /** Still not confirmed after RETURN_MAX_CHECKS: the reconciler will credit it. */
    | "gave up"
    /** Completed, the money on its way (a bank debit). */
    | "processing"
    /** Checkout not completed. */
    | "open"
    | "expired"
    | "failed"
    /** Stripe's session does not match the payment: nothing credited, the admin must look. */
    | "problem";
};

/** The page's next look at a payment still waiting. */
export function nextCheckHref(returned: Pick<PaymentReturn, "paymentId" | "check">) {
  return `/dashboard/credits?payment=${returned.paymentId}&check=${returned.check + 1}`;
}
