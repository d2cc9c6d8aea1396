// The page Checkout sends the user back to (ADR 045) asks Stripe for the
// session itself (the real SDK against the fake Stripe, a real PostgreSQL) and
// credits through the webhook's exactly-once path: without a webhook it credits
// once; a webhook before or after it credits nothing more; an expired or
// unfinished Checkout says so; a Stripe that does not answer is waited for a
// bounded number of looks, then the page says what to do.
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  FAKE_STRIPE_SECRET_KEY,
  FAKE_WEBHOOK_SECRET,
  startFakeStripe,
  type FakeStripe,
} from "#scripts/fake-providers/stripe.ts";
import { getAccounts } from "../../app/accounts/accounts.server.ts";
import { startSession } from "../../app/accounts/session.server.ts";
import { nextCheckHref } from "../../app/payments/payment-return.ts";
import { stripeFromEnv } from "../../app/payments/payment-settings.server.ts";
import { handleStripeWebhook } from "../../app/payments/stripe-webhook.server.ts";
import * as credits from "../../app/routes/dashboard.credits.tsx";
import { processLogger } from "../../app/observability/logger.server.ts";
import { creditsToMicro } from "../../app/utils/money.ts";
import { setupTestDatabase } from "../support/database.ts";
import { createUser } from "../support/factories.ts";
import { expectLedgerClean } from "../support/ledger-totals.ts";

const db = setupTestDatabase();
const BASE = "http://gateway.test";
let fake: FakeStripe;

beforeAll(async () => {
  fake = await startFakeStripe();
  Object.assign(process.env, {
    DATABASE_URL: db.url,
    SESSION_SECRET: "payment-return-secret".padEnd(40, "x"),
    STRIPE_SECRET_KEY: FAKE_STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: FAKE_WEBHOOK_SECRET,
    STRIPE_API_BASE: fake.baseUrl,
    FREE_ONRAMP: "false",
    LOG_LEVEL: "silent",
  });
});
afterAll(async () => {
  await expectLedgerClean(getAccounts().prisma);
  await getAccounts().prisma.$disconnect();
  await fake.close();
});

const args = (request: Request) =>
  ({ request, params: {}, context: {}, unstable_pattern: "", url: new URL(request.url) }) as never;

/** A signed-in user who started a checkout of `usd` and came back: its payment and session. */
async function checkedOut(usd = "25") {
  const prisma = getAccounts().prisma;
  const user = await createUser(prisma);
  const cookie = (await startSession(getAccounts(), new Request(BASE), user.id)).split(";")[0]!;
  const load = (query = "") =>
    credits.loader(args(new Request(`${BASE}/dashboard/credits${query}`, { headers: { cookie } })));
  const { token } = await load();
  const started = await credits
    .action(
      args(
        new Request(`${BASE}/dashboard/credits`, {
          method: "POST",
          body: new URLSearchParams({ intent: "checkout", token, amount: usd }),
          headers: { cookie },
        }),
      ),
    )
    .catch((thrown: unknown) => thrown);
  const url = (started as Response).headers.get("location")!;
  const sessionId = new URL(url).pathname.split("/").at(-1)!;
  const payment = await prisma.payment.findFirstOrThrow({ where: { userId: user.id } });
  let redirects = 0;
  /** The page Checkout returns to; a redirect (after crediting) is followed, and counted. */
  const back = async (check?: number) => {
    try {
      return await load(`?payment=${payment.id}${check === undefined ? "" : `&check=${check}`}`);
    } catch (thrown) {
      if (!(thrown instanceof Response) || thrown.status !== 302) throw thrown;
      redirects++;
      return load(new URL(thrown.headers.get("location")!, BASE).search);
    }
  };
  return { user, payment, sessionId, back, redirects: () => redirects };
}

/** Stripe's webhook delivery of `type` for the session as it now is. */
async function webhook(type: string, sessionId: string) {
  const event = fake.event(type, fake.sessions.get(sessionId)!);
  const setup = (await stripeFromEnv({
    STRIPE_SECRET_KEY: FAKE_STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: FAKE_WEBHOOK_SECRET,
    STRIPE_API_BASE: fake.baseUrl,
  }))!;
  const response = await handleStripeWebhook(
    {
      prisma: getAccounts().prisma,
      stripe: setup.stripe,
      webhookSecret: FAKE_WEBHOOK_SECRET,
      log: processLogger(),
    },
    new Request(`${BASE}/api/payments/stripe/webhook`, {
      method: "POST",
      headers: { "stripe-signature": event.signature },
      body: event.payload,
    }),
  );
  return (await response.json()) as { outcome?: string; duplicate?: boolean };
}

async function moneyOf(userId: string) {
  const prisma = getAccounts().prisma;
  const rows = await prisma.onrampTransaction.findMany({ where: { userId } });
  const { balance } = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
  return { rows: rows.map((row) => [row.source, row.amount]), balance };
}

const retrievals = (sessionId: string) =>
  fake.received.filter(
    (call) => call.method === "GET" && call.path === `/v1/checkout/sessions/${sessionId}`,
  ).length;

test("the webhook never comes: the page asks Stripe, credits once, and stops looking", async () => {
  const { user, payment, sessionId, back, redirects } = await checkedOut("25");
  fake.pay(sessionId); // no webhook is delivered
  const first = await back();
  // Credited by that look, the page loads once more: the layout's balance is read after it.
  expect(redirects()).toBe(1);
  expect(first.returned).toMatchObject({ state: "credited", credits: "2,500.00 credits ($25.00)" });
  expect(first.balance.credits).toBe("2,500.00 credits");
  expect(retrievals(sessionId)).toBe(1);
  // A reload credits nothing more, and asks Stripe no more: the payment is paid.
  expect((await back()).returned).toMatchObject({ state: "credited" });
  expect(retrievals(sessionId)).toBe(1);
  expect(redirects()).toBe(1);
  expect(await moneyOf(user.id)).toEqual({
    rows: [["STRIPE", creditsToMicro(2500)]],
    balance: creditsToMicro(2500),
  });
  const paid = await getAccounts().prisma.payment.findUniqueOrThrow({ where: { id: payment.id } });
  expect(paid).toMatchObject({ status: "PAID", paymentIntentId: expect.stringMatching(/^pi_/) });
  expect(paid.receiptUrl).toMatch(/\/receipts\/ch_test_/);
});

test("the webhook after the page credited: no second credit", async () => {
  const { user, sessionId, back } = await checkedOut("10");
  fake.pay(sessionId);
  expect((await back()).returned).toMatchObject({ state: "credited" });
  expect(await webhook("checkout.session.completed", sessionId)).toMatchObject({
    outcome: "already",
  });
  expect(await moneyOf(user.id)).toEqual({
    rows: [["STRIPE", creditsToMicro(1000)]],
    balance: creditsToMicro(1000),
  });
});

test("the webhook before the page: the page shows the credits, no second credit", async () => {
  const { user, sessionId, back } = await checkedOut("10");
  fake.pay(sessionId);
  expect(await webhook("checkout.session.completed", sessionId)).toMatchObject({
    outcome: "credited",
  });
  expect((await back()).returned).toMatchObject({
    state: "credited",
    credits: "1,000.00 credits ($10.00)",
  });
  expect(await moneyOf(user.id)).toEqual({
    rows: [["STRIPE", creditsToMicro(1000)]],
    balance: creditsToMicro(1000),
  });
});

test("the page and the webhook at once, ten times over: one credit", async () => {
  const { user, sessionId, back } = await checkedOut("50");
  fake.pay(sessionId);
  await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      i % 2 ? back() : webhook("checkout.session.completed", sessionId),
    ),
  );
  expect(await moneyOf(user.id)).toEqual({
    rows: [["STRIPE", creditsToMicro(5000)]],
    balance: creditsToMicro(5000),
  });
});

test("an expired Checkout: the page says so, the payment is failed, nothing is credited", async () => {
  const { user, payment, sessionId, back } = await checkedOut("25");
  fake.expire(sessionId);
  const page = await back();
  expect(page.returned).toMatchObject({ state: "expired" });
  expect(
    await getAccounts().prisma.payment.findUniqueOrThrow({ where: { id: payment.id } }),
  ).toMatchObject({ status: "FAILED" });
  expect(await moneyOf(user.id)).toEqual({ rows: [], balance: 0n });
});

test("an unfinished Checkout says nothing was charged and links back to it; a bank debit on its way says so", async () => {
  const open = await checkedOut("25");
  expect((await open.back()).returned).toMatchObject({
    state: "open",
    checkoutUrl: `${fake.baseUrl}/pay/${open.sessionId}`,
  });
  const debit = await checkedOut("25");
  fake.completeUnpaid(debit.sessionId);
  expect((await debit.back()).returned).toMatchObject({ state: "processing" });
  expect(await moneyOf(debit.user.id)).toEqual({ rows: [], balance: 0n });
});

test("Stripe not answering: the page looks again a bounded number of times, then says what to do", async () => {
  const { user, payment, sessionId, back } = await checkedOut("25");
  fake.pay(sessionId);
  fake.unavailable = true;
  try {
    const waiting = await back();
    expect(waiting.returned).toMatchObject({ state: "waiting", check: 0 });
    // The next look is counted in the URL, so that it works without JavaScript too.
    expect(nextCheckHref(waiting.returned!)).toBe(
      `/dashboard/credits?payment=${payment.id}&check=1`,
    );
    expect((await back(29)).returned).toMatchObject({ state: "waiting" });
    const last = await back(30);
    expect(last.returned).toMatchObject({ state: "gave up", paymentId: payment.id });
  } finally {
    fake.unavailable = false;
  }
  // Stripe back: the next look credits.
  expect((await back(31)).returned).toMatchObject({ state: "credited" });
  expect((await moneyOf(user.id)).balance).toBe(creditsToMicro(2500));
});

test("a Stripe that hangs does not hang the page: it says “crediting…” within seconds and looks again", async () => {
  const { sessionId, back } = await checkedOut("25");
  fake.pay(sessionId);
  fake.slow = { ms: 15_000, path: /^\/v1\// };
  try {
    const started = performance.now();
    expect((await back()).returned).toMatchObject({ state: "waiting" });
    expect(performance.now() - started).toBeLessThan(6_000);
  } finally {
    fake.slow = undefined;
  }
  expect((await back(1)).returned).toMatchObject({ state: "credited" });
}, 30_000);

test("a slow receipt does not hold the page either: credited, the receipt left for later", async () => {
  const { payment, sessionId, back } = await checkedOut("25");
  fake.pay(sessionId);
  fake.slow = { ms: 15_000, path: /^\/v1\/payment_intents\// };
  try {
    const started = performance.now();
    expect((await back()).returned).toMatchObject({ state: "credited" });
    expect(performance.now() - started).toBeLessThan(6_000);
  } finally {
    fake.slow = undefined;
  }
  expect(
    await getAccounts().prisma.payment.findUniqueOrThrow({ where: { id: payment.id } }),
  ).toMatchObject({ status: "PAID", receiptUrl: null });
}, 30_000);
