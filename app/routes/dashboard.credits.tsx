import { randomUUID } from "node:crypto";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, Form, redirect, useNavigation } from "react-router";
import { z } from "zod";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { ONRAMP_CREDITS } from "#app/accounts/account-rules.ts";
import { FreeOnrampLimitError } from "#app/accounts/onramp.server.ts";
import { freeTopUp } from "#app/accounts/free-top-up.server.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { Button } from "#app/components/ui/button.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";
import { creditsToMicro, formatMoney, formatMoneyParts } from "#app/utils/money.ts";
import type { Route } from "./+types/dashboard.credits";
import type { SubmissionResult } from "@conform-to/react";
import { AutoTopUpForm, CheckoutForm } from "#app/components/credit-forms.tsx";
import { readForm } from "#app/http/read-form.server.ts";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { GatewayError } from "#app/http/gateway-error.ts";
import { getPaymentSettings } from "#app/payments/payment-settings.server.ts";
import { startCheckout } from "#app/payments/payments.server.ts";
import {
  AutoTopUpSchema,
  CheckoutSchema,
  checkoutCents,
  typedCents,
} from "#app/payments/credit-forms.ts";
import { publicOrigin } from "#app/http/request-origin.server.ts";
import {
  autoTopUpOf,
  saveAutoTopUp,
  startCardSetup,
} from "#app/payments/auto-topup-settings.server.ts";
import { paymentReturn } from "#app/payments/payment-return.server.ts";
import { PaymentReturnStatus } from "#app/payments/payment-return-status.tsx";
import { processLogger } from "#app/observability/logger.server.ts";

const PRESETS_USD = [10, 25, 50, 100];

// The button-only forms; the checkout and auto top-up forms have their schemas in credit-forms.ts.
const CreditsActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("free"), token: z.uuid() }),
  z.object({ intent: z.literal("card") }),
]);

const SOURCE_LABELS = {
  ONRAMP: "Free top-up",
  SIGNUP_BONUS: "Signup bonus",
  ADJUSTMENT: "Adjustment",
  STRIPE: "Card payment",
  REFUND: "Refund",
  DISPUTE: "Dispute",
  GRANT: "Granted by an admin",
} as const;

export async function loader({ request }: Route.LoaderArgs) {
  const { accountId } = await requirePageScope(request, "billing");
  const { prisma } = getAccounts();
  const settings = await getPaymentSettings();
  const asked = new URL(request.url).searchParams;
  const returnedFrom = z.uuid().safeParse(asked.get("payment") ?? "");
  // Which look at a returning payment this is (the page counts them in its URL).
  const check = Math.max(0, Number.parseInt(asked.get("check") ?? "", 10) || 0);
  // Back from Checkout: that payment's state, asking Stripe until it is credited (ADR 045);
  // first, so that the balance and lists below include what it credited.
  const returned = returnedFrom.success
    ? await paymentReturn(
        { prisma, log: processLogger(), stripe: settings.stripe?.stripe },
        { accountId, paymentId: returnedFrom.data, check },
      )
    : null;
  // Credited by this very look: once more, so that the layout's balance (read beside it) shows it too.
  if (returned?.justCredited) throw redirect(`/dashboard/credits?payment=${returned.paymentId}`);
  const [user, credits, charges, payments, autoTopUp] = await Promise.all([
    prisma.user.findUniqueOrThrow({ where: { id: accountId }, select: { balance: true } }),
    prisma.onrampTransaction.findMany({
      where: { userId: accountId },
      orderBy: { createdAt: "desc" },
      take: 200,
    }),
    // Usage charges per day (UTC), to reconcile the balance by eye.
    prisma.$queryRaw<{ day: Date; requests: bigint; cost: bigint }[]>`
      SELECT date_trunc('day', created_at AT TIME ZONE 'UTC') AS day, count(*) AS requests, sum(cost)::bigint AS cost
      FROM conversations WHERE user_id = ${accountId}::uuid
      GROUP BY 1 ORDER BY 1 DESC LIMIT 90`,
    prisma.payment.findMany({
      where: { userId: accountId },
      orderBy: { createdAt: "desc" },
      take: 50,
    }),
    autoTopUpOf(prisma, accountId),
  ]);
  return {
    // A fresh token per page view: a double submit or a replayed form pays or credits once.
    token: randomUUID(),
    freeOnramp: settings.freeOnramp,
    paymentsConfigured: settings.stripe !== undefined,
    presets: PRESETS_USD,
    returned,
    cancelled: asked.has("cancelled"),
    cardSaved: asked.get("card") === "saved",
    autoTopUp: autoTopUp && {
      enabled: autoTopUp.enabled,
      thresholdCredits: String(autoTopUp.threshold / 1_000_000n),
      amountUsd: (autoTopUp.amountCents / 100).toFixed(2),
      card: autoTopUp.paymentMethodId !== null,
      // Shown until the next successful top-up or a new card.
      failure: autoTopUp.failedAt && {
        at: autoTopUp.failedAt.toISOString(),
        reason: autoTopUp.lastError ?? "the charge failed",
      },
    },
    balance: formatMoneyParts(user.balance),
    credits: credits.map((row) => ({
      id: row.id.toString(),
      at: row.createdAt.toISOString(),
      source: SOURCE_LABELS[row.source],
      amount: formatMoney(row.amount, { sign: true }),
    })),
    payments: payments.map((payment) => ({
      id: payment.id,
      at: payment.createdAt.toISOString(),
      amount: formatMoney(creditsToMicro(payment.amountCents)), // 1 credit = 1 cent
      status: payment.status.toLowerCase(),
      stripeId: payment.paymentIntentId ?? payment.checkoutSessionId ?? "–",
      receiptUrl: payment.receiptUrl,
    })),
    charges: charges.map((row) => ({
      day: row.day.toISOString().slice(0, 10),
      requests: Number(row.requests),
      cost: formatMoney(-row.cost, { sign: true }),
    })),
  };
}

export async function action({ request }: Route.ActionArgs) {
  const { accountId, userId } = await requirePageScope(request, "billing");
  const { prisma } = getAccounts();
  const settings = await getPaymentSettings();
  const form = await readForm(request);
  const intent = form.get("intent");
  // The forms with typed fields answer beside them (ADR 048).
  if (intent === "checkout" || intent === "auto") {
    const submission = parseWithZod(form, {
      schema: intent === "checkout" ? CheckoutSchema : AutoTopUpSchema,
    });
    if (submission.status !== "success")
      return data({ form: intent, result: submission.reply() }, { status: 400 });
    const refuse = (message: string, status: number) =>
      data({ form: intent, result: submission.reply({ formErrors: [message] }) }, { status });
    if (!settings.stripe) return refuse("Payments are not configured on this gateway.", 503);
    const { value } = submission;
    if (value.intent === "checkout") {
      try {
        const { url } = await startCheckout(prisma, settings.stripe.stripe, {
          userId: accountId,
          amountCents: checkoutCents(value)!,
          idempotencyKey: value.token,
          origin: publicOrigin(request),
          maxPerDayUsd: settings.maxTopupPerDayUsd,
        });
        return redirect(url);
      } catch (error) {
        if (error instanceof GatewayError) return refuse(error.message, error.status);
        throw error;
      }
    }
    const settingsToSave = {
      enabled: value.enabled,
      thresholdCredits: value.thresholdCredits,
      amountCents: typedCents(value.amountUsd)!,
    };
    const saved = await saveAutoTopUp(prisma, accountId, settingsToSave);
    if (!saved) return refuse("Save a card first: auto top-up charges it.", 400);
    return {
      form: intent,
      section: "auto" as const,
      result: submission.reply(),
      message: value.enabled
        ? `Auto top-up on: under ${formatMoney(creditsToMicro(value.thresholdCredits))}, your card is charged for ${formatMoney(creditsToMicro(settingsToSave.amountCents /* cents: a credit each */))}.`
        : "Auto top-up off.",
    };
  }
  const parsed = CreditsActionSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success)
    return data(
      { message: "This form has expired; reload the page and try again." },
      { status: 400 },
    );
  const input = parsed.data;
  if (input.intent === "card") {
    if (!settings.stripe)
      return data({ message: "Payments are not configured on this gateway." }, { status: 503 });
    const { email } = await prisma.user.findUniqueOrThrow({
      where: { id: userId },
      select: { email: true },
    });
    return redirect(
      await startCardSetup(prisma, settings.stripe.stripe, {
        userId: accountId,
        // Stripe's receipts go to the person who saved the card.
        email: email!,
        origin: publicOrigin(request),
      }),
    );
  }
  if (!settings.freeOnramp)
    return data(
      { message: "Free top-ups are off on this gateway: pay with a card instead." },
      { status: 403 },
    );
  let topped: Awaited<ReturnType<typeof freeTopUp>>;
  try {
    const who = { accountId, userId };
    topped = await freeTopUp({ prisma, request }, who, input.token, settings.freeOnrampPerDay);
  } catch (error) {
    if (!(error instanceof FreeOnrampLimitError)) throw error;
    return data(
      { message: `${error.message}.` },
      { status: 429, headers: { "Retry-After": String(error.retryAfterSeconds) } },
    );
  }
  return {
    message: topped.replayed
      ? "Already added: this form was submitted before."
      : `Added ${formatMoney(creditsToMicro(ONRAMP_CREDITS))}.`,
  };
}

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
          loaderData={loaderData}
          message={actionData && "section" in actionData ? actionData.message : undefined}
          lastResult={resultOf(actionData, "auto")}
        />
      ) : null}
      {loaderData.payments.length > 0 ? (
        <section aria-labelledby="payments">
          <h2 id="payments" className="mb-2 text-lg font-semibold">
            Payments
          </h2>
          <div tabIndex={0} className="overflow-x-auto rounded-lg border">
            <table className="max-sm:table-cards w-full text-sm" aria-label="Payments">
              <thead className="bg-muted text-left">
                <tr>
                  <th className="px-3 py-2 font-medium">When</th>
                  <th className="px-3 py-2 font-medium">Amount</th>
                  <th className="px-3 py-2 font-medium">Status</th>
                  <th className="px-3 py-2 font-medium">Stripe id</th>
                  <th className="px-3 py-2 font-medium">Receipt</th>
                </tr>
              </thead>
              <tbody>
                {loaderData.payments.map((payment) => (
                  <tr key={payment.id} className="border-t">
                    <td className="px-3 py-2">{new Date(payment.at).toLocaleString("en")}</td>
                    <td data-label="Amount" className="px-3 py-2">
                      {payment.amount}
                    </td>
                    <td data-label="Status" className="px-3 py-2">
                      <Badge variant={payment.status === "paid" ? "secondary" : "outline"}>
                        {payment.status}
                      </Badge>
                    </td>
                    <td data-label="Stripe id" className="px-3 py-2 font-mono text-xs">
                      {payment.stripeId}
                    </td>
                    <td data-label="Receipt" className="px-3 py-2">
                      {payment.receiptUrl ? (
                        <a
                          className="underline"
                          href={payment.receiptUrl}
                          rel="noreferrer"
                          target="_blank"
                        >
                          receipt
                        </a>
                      ) : (
                        "–"
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      <div className="grid gap-6 md:grid-cols-2">
        <section aria-labelledby="credit-history">
          <h2 id="credit-history" className="mb-2 text-lg font-semibold">
            Credits added
          </h2>
          {loaderData.credits.length === 0 ? (
            <p className="rounded-lg border border-dashed p-6 text-center text-muted-foreground">
              Nothing yet.
            </p>
          ) : (
            <table className="w-full rounded-lg border text-sm">
              <thead className="bg-muted text-left">
                <tr>
                  <th className="px-3 py-2 font-medium">When</th>
                  <th className="px-3 py-2 font-medium">What</th>
                  <th className="px-3 py-2 text-right font-medium">Credits</th>
                </tr>
              </thead>
              <tbody>
                {loaderData.credits.map((row) => (
                  <tr key={row.id} className="border-t">
                    <td className="px-3 py-2">{new Date(row.at).toLocaleString("en")}</td>
                    <td className="px-3 py-2">{row.source}</td>
                    <td className="px-3 py-2 text-right">{row.amount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section aria-labelledby="usage-charges">
          <h2 id="usage-charges" className="mb-2 text-lg font-semibold">
            Usage charges per day
          </h2>
          {loaderData.charges.length === 0 ? (
            <p className="rounded-lg border border-dashed p-6 text-center text-muted-foreground">
              No requests yet.
            </p>
          ) : (
            <table className="w-full rounded-lg border text-sm">
              <thead className="bg-muted text-left">
                <tr>
                  <th className="px-3 py-2 font-medium">Day (UTC)</th>
                  <th className="px-3 py-2 text-right font-medium">Requests</th>
                  <th className="px-3 py-2 text-right font-medium">Credits</th>
                </tr>
              </thead>
              <tbody>
                {loaderData.charges.map((row) => (
                  <tr key={row.day} className="border-t">
                    <td className="px-3 py-2">{row.day}</td>
                    <td className="px-3 py-2 text-right">{row.requests}</td>
                    <td className="px-3 py-2 text-right">{row.cost}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </div>
  );
}

/** What the action answered to form `id`, for conform. */
function resultOf(answer: Route.ComponentProps["actionData"], id: "checkout" | "auto") {
  return answer && "form" in answer && answer.form === id ? answer.result : undefined;
}

/** Auto top-up: its settings, the saved card, and the last failure if any. */
function AutoTopUpCard({
  loaderData,
  message,
  lastResult,
}: {
  loaderData: Route.ComponentProps["loaderData"];
  /** What saving the settings said. */
  message: string | undefined;
  lastResult: SubmissionResult<string[]> | undefined;
}) {
  const auto = loaderData.autoTopUp;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Auto top-up</CardTitle>
        <CardDescription>
          When your balance falls under the threshold, your saved card is charged for the amount.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {auto?.failure ? (
          <p
            role="alert"
            data-testid="auto-topup-failure"
            className="rounded-md border border-destructive px-3 py-2 text-sm text-destructive"
          >
            The last auto top-up failed ({new Date(auto.failure.at).toLocaleString("en")}):{" "}
            {auto.failure.reason} It will try again in an hour, or save another card.
          </p>
        ) : null}
        {message ? (
          <p role="status" className="text-sm">
            {message}
          </p>
        ) : loaderData.cardSaved ? (
          <p role="status" className="text-sm">
            Card saved for auto top-up.
          </p>
        ) : null}
        <AutoTopUpForm auto={auto} lastResult={lastResult} />
        <Form method="post" className="flex items-center gap-3 text-sm">
          <input type="hidden" name="intent" value="card" />
          <span className="text-muted-foreground">
            {auto?.card ? "A card is saved." : "No card saved yet."}
          </span>
          <Button type="submit" variant="outline" size="sm">
            {auto?.card ? "Replace the card" : "Save a card"}
          </Button>
        </Form>
      </CardContent>
    </Card>
  );
}

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
