import { randomUUID } from "node:crypto";
import { data, Form, useNavigation } from "react-router";
import { z } from "zod";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { ONRAMP_CREDITS } from "#app/accounts/account-rules.ts";
import { topUp } from "#app/accounts/onramp.server.ts";
import { requirePageUserId } from "#app/accounts/require-user.server.ts";
import { Button } from "#app/components/ui/button.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";
import { formatCredits, formatUsd } from "#app/utils/money.ts";
import type { Route } from "./+types/dashboard.credits";
import { readForm } from "#app/http/read-form.server.ts";
import { audit } from "#app/accounts/audit-log.server.ts";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";

const TopUpSchema = z.object({ token: z.uuid() });

const SOURCE_LABELS = {
  ONRAMP: "Top-up",
  SIGNUP_BONUS: "Signup bonus",
  ADJUSTMENT: "Adjustment",
} as const;

export async function loader({ request }: Route.LoaderArgs) {
  const userId = await requirePageUserId(request);
  const { prisma } = getAccounts();
  const [user, credits, charges] = await Promise.all([
    prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { balance: true } }),
    prisma.onrampTransaction.findMany({
      where: { userId },
      orderBy: { createdAt: "desc" },
      take: 200,
    }),
    // Usage charges per day (UTC), to reconcile the balance by eye.
    prisma.$queryRaw<{ day: Date; requests: bigint; cost: bigint }[]>`
      SELECT date_trunc('day', created_at AT TIME ZONE 'UTC') AS day, count(*) AS requests, sum(cost)::bigint AS cost
      FROM conversations WHERE user_id = ${userId}::uuid
      GROUP BY 1 ORDER BY 1 DESC LIMIT 90`,
  ]);
  return {
    // A fresh token per page view: a double submit or a replayed form credits once.
    token: randomUUID(),
    balance: { credits: formatCredits(user.balance), usd: formatUsd(user.balance, 4) },
    credits: credits.map((row) => ({
      id: row.id.toString(),
      at: row.createdAt.toISOString(),
      source: SOURCE_LABELS[row.source],
      amount: formatCredits(row.amount),
    })),
    charges: charges.map((row) => ({
      day: row.day.toISOString().slice(0, 10),
      requests: Number(row.requests),
      cost: formatCredits(row.cost, 6),
    })),
  };
}

export async function action({ request }: Route.ActionArgs) {
  const userId = await requirePageUserId(request);
  const parsed = TopUpSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success)
    return data(
      { message: "This form has expired; reload the page and try again." },
      { status: 400 },
    );
  const { transaction, replayed } = await topUp(getAccounts().prisma, userId, parsed.data.token);
  if (!replayed) {
    await audit(getAccounts().prisma, request, {
      action: "credits_added",
      actorId: userId,
      subject: transaction.id.toString(),
      details: { micro: transaction.amount.toString() },
    });
  }
  return {
    message: replayed
      ? "Already added: this form was submitted before."
      : `Added ${ONRAMP_CREDITS.toLocaleString("en")} credits.`,
  };
}

export const meta: Route.MetaFunction = () => [{ title: "Credits · LLM Gateway" }];

export default function Credits({ loaderData, actionData }: Route.ComponentProps) {
  const navigation = useNavigation();
  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">Credits</h1>
      <Card>
        <CardHeader>
          <CardDescription>Balance</CardDescription>
          <CardTitle className="text-3xl" data-testid="balance">
            {loaderData.balance.credits} credits
          </CardTitle>
          <CardDescription>{loaderData.balance.usd} · 1 credit = US$0.01</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-wrap items-center gap-4">
          <Form method="post">
            <input type="hidden" name="token" value={loaderData.token} />
            <Button type="submit" disabled={navigation.state === "submitting"}>
              {navigation.state === "submitting"
                ? "Adding…"
                : `Add ${ONRAMP_CREDITS.toLocaleString("en")} credits`}
            </Button>
          </Form>
          {actionData?.message ? (
            <p role="status" className="text-sm text-muted-foreground">
              {actionData.message}
            </p>
          ) : null}
        </CardContent>
      </Card>
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
                    <td className="px-3 py-2 text-right">+{row.amount}</td>
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
                    <td className="px-3 py-2 text-right">−{row.cost}</td>
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

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
