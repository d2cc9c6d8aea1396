import { useEffect } from "react";
import { Link, useNavigate } from "react-router";
import { nextCheckHref, RETURN_CHECK_SECONDS, type PaymentReturn } from "./payment-return.ts";

/**
 * What became of the payment the user came back from Checkout with. While it
 * waits, the page looks again every few seconds (a navigation with JavaScript,
 * a meta refresh without), a bounded number of times.
 */
export function PaymentReturnStatus({ returned }: { returned: PaymentReturn }) {
  const navigate = useNavigate();
  const waiting = returned.state === "waiting";
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(
      () => void navigate(nextCheckHref(returned), { replace: true, preventScrollReset: true }),
      RETURN_CHECK_SECONDS * 1000,
    );
    return () => clearTimeout(timer);
  }, [waiting, returned, navigate]);
  const problem = returned.state === "problem" || returned.state === "gave up";
  return (
    <>
      {waiting ? (
        // Without JavaScript, the page refreshes itself to its next look. Inside <noscript>, so
        // that with JavaScript (which looks again without reloading) it does not look twice.
        <noscript>
          <meta
            httpEquiv="refresh"
            content={`${RETURN_CHECK_SECONDS}; url=${nextCheckHref(returned)}`}
          />
        </noscript>
      ) : null}
      <p
        role={problem ? "alert" : "status"}
        data-testid="payment-status"
        className={`rounded-md border px-3 py-2 text-sm ${problem ? "border-destructive" : ""}`}
      >
        <PaymentReturnMessage returned={returned} />
      </p>
    </>
  );
}

function PaymentReturnMessage({ returned }: { returned: PaymentReturn }) {
  switch (returned.state) {
    case "credited":
      return <>Payment received: {returned.credits} added.</>;
    case "waiting":
      return <>Payment received, crediting… (this page updates by itself)</>;
    case "gave up":
      return (
        <>
          Stripe has not confirmed this payment yet. Nothing is lost: the gateway keeps asking
          Stripe and adds the credits once it does, usually within minutes.{" "}
          <Link className="underline" to={`/dashboard/credits?payment=${returned.paymentId}`}>
            Check again
          </Link>
          ; if they have not arrived within an hour, tell the gateway&apos;s admin payment{" "}
          <code>{returned.paymentId}</code>.
        </>
      );
    case "processing":
      return (
        <>
          Your payment is on its way (a bank payment can take a few days): the credits are added as
          soon as Stripe confirms it. You can leave this page.
        </>
      );
    case "open":
      return (
        <>
          This Checkout was not completed: nothing was charged.{" "}
          {returned.checkoutUrl ? (
            <a className="underline" href={returned.checkoutUrl}>
              Return to Checkout
            </a>
          ) : null}
        </>
      );
    case "expired":
      return (
        <>
          This Checkout expired before it was paid: nothing was charged. Choose an amount below to
          start again.
        </>
      );
    case "failed":
      return <>The payment did not go through; nothing was charged or credited.</>;
    case "problem":
      return (
        <>
          Stripe&apos;s record of this payment does not match the gateway&apos;s, so nothing was
          credited. Tell the gateway&apos;s admin payment <code>{returned.paymentId}</code>.
        </>
      );
  }
}
