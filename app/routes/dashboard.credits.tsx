import { Form, useNavigation } from "react-router";
import { ONRAMP_CREDITS } from "#app/accounts/account-rules.ts";
import { AutoTopUpCard } from "#app/components/credits/auto-top-up-card.tsx";
import { CheckoutForm } from "#app/components/credits/credit-forms.tsx";
import { CreditHistory } from "#app/components/credits/credit-history.tsx";
import { PaymentsTable } from "#app/components/credits/payments-table.tsx";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { Button } from "#app/components/ui/button.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";
import { PaymentReturnStatus } from "#app/payments/payment-return-status.tsx";
import type { Route } from "./+types/dashboard.credits";
export {
  loadCreditsPage as loader,
  creditsPageAction as action,
} from "./dashboard.credits.server.ts";

// Credits: the balance, buying with a card or for free, auto top-up, payments,
// and what came in and went out. The loader and action are in
// dashboard.credits.server.ts.

export const meta: Route.MetaFunction = () => [{ title: "Credits · LLM Gateway" }];

export default function Credits({ loaderData, actionData }: Route.ComponentProps) {
  const navigation = useNavigation();
  const { returned } = loaderData;
  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">Credits</h1>
      {returned ? (
        <PaymentReturnStatus returned={returned} />
      ) : loaderData.cancelled ? (
        <p role="status" className="rounded-md border px-3 py-2 text-sm">
          Checkout cancelled: nothing was charged.
        </p>
      ) : null}
      <Card>
        <CardHeader>
          <CardDescription>Balance</CardDescription>
          <CardTitle className="text-3xl" data-testid="balance">
            {loaderData.balance.credits}
          </CardTitle>
          <CardDescription>({loaderData.balance.usd}) · 1 credit = US$0.01</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          {loaderData.paymentsConfigured ? (
            <CheckoutForm
              token={loaderData.token}
              presets={loaderData.presets}
              lastResult={resultOf(actionData, "checkout")}
            />
          ) : (
            <p className="text-sm text-muted-foreground" data-testid="payments-off">
              Payments are not configured on this gateway (STRIPE_SECRET_KEY): ask its admin for
              credits.
            </p>
          )}
          {loaderData.freeOnramp ? (
            <Form method="post">
              <input type="hidden" name="intent" value="free" />
              <input type="hidden" name="token" value={loaderData.token} />
              <Button type="submit" variant="outline" disabled={navigation.state === "submitting"}>
                {`Add ${ONRAMP_CREDITS.toLocaleString("en")} free credits`}
              </Button>
            </Form>
          ) : null}
          {actionData && "message" in actionData && !("section" in actionData) ? (
            <p role="status" className="text-sm text-muted-foreground">
              {actionData.message}
            </p>
          ) : null}
        </CardContent>
      </Card>
      {loaderData.paymentsConfigured ? (
        <AutoTopUpCard
          auto={loaderData.autoTopUp}
          cardSaved={loaderData.cardSaved}
          message={actionData && "section" in actionData ? actionData.message : undefined}
          lastResult={resultOf(actionData, "auto")}
        />
      ) : null}
      <PaymentsTable payments={loaderData.payments} />
      <CreditHistory credits={loaderData.credits} charges={loaderData.charges} />
    </div>
  );
}

/** What the action answered to form `id`, for conform. */
function resultOf(answer: Route.ComponentProps["actionData"], id: "checkout" | "auto") {
  return answer && "form" in answer && answer.form === id ? answer.result : undefined;
}

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
