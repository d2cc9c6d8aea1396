// Real money in (issue #11): a Checkout Session per top-up, and Stripe's
// webhooks credit each payment exactly once, whatever events announce it, how
// often and in what order; refunds and disputes take credits back once; bad
// events credit nothing. The official SDK talks HTTP to a fake Stripe, and
// webhook payloads are signed with the SDK's own test-header helper.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  FAKE_STRIPE_SECRET_KEY,
  FAKE_WEBHOOK_SECRET,
  postEvent,
  startFakeStripe,
  type FakeStripe,
} from "#scripts/fake-providers/stripe.ts";
import { stripeFromEnv } from "../../app/payments/payment-settings.server.ts";
import { creditsToMicro } from "../../app/utils/money.ts";
import { apiClient, startApiHarness } from "../support/api-harness.ts";
import { setupTestPrisma } from "../support/test-prisma.ts";

// Refunds and disputes included, every balance is its credits minus its charges.
const { db, prisma } = setupTestPrisma({ checkLedger: true });
let stripe: FakeStripe;
let api: Awaited<ReturnType<typeof startApiHarness>>;
let noStripe: Awaited<ReturnType<typeof startApiHarness>>;

beforeAll(async () => {
  stripe = await startFakeStripe();
  api = await startApiHarness(prisma, {
    signupCredits: 0,
    payments: {
      freeOnramp: false,
      maxTopupPerDayUsd: 200,
      stripe: await stripeFromEnv({
        STRIPE_SECRET_KEY: FAKE_STRIPE_SECRET_KEY,
        STRIPE_WEBHOOK_SECRET: FAKE_WEBHOOK_SECRET,
        STRIPE_API_BASE: stripe.baseUrl,
      }),
    },
  });
  noStripe = await startApiHarness(prisma, { signupCredits: 0 });
});
afterAll(async () => {
  await Promise.all([api.close(), noStripe.close(), stripe.close()]);
});

let counter = 0;
async function signedUp(harness = api) {
  const client = apiClient(harness.baseUrl);
  const response = await client.call("POST", "/api/auth/sign-up", {
    email: `payer${++counter}-${Date.now()}@example.test`,
    password: "long enough password",
  });
  expect(response.status).toBe(201);
  return { client, id: response.json.user.id as string };
}

/** A checkout of `amountUsd` for a new user, paid at the fake Stripe: its events' objects. */
async function paidCheckout(amountUsd = 25) {
  const user = await signedUp();
  const started = await user.client.call("POST", "/api/payments/checkout", { amountUsd });
  expect(started.status).toBe(201);
  const sessionId = new URL(started.json.url as string).pathname.split("/").at(-1)!;
  return { user, paymentId: started.json.paymentId as string, ...stripe.pay(sessionId) };
}

/** Delivers a signed event to the webhook, as Stripe does. */
const deliver = (event: { payload: string; signature: string }, signature = event.signature) =>
  postEvent(`${api.baseUrl}/api/payments/stripe/webhook`, event, signature);

async function creditsOf(userId: string) {
  const rows = await prisma.onrampTransaction.findMany({
    where: { userId },
    orderBy: { id: "asc" },
  });
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
  return { rows: rows.map((row) => [row.source, row.amount]), balance: user.balance };
}

describe("checkout", () => {
  test("a pending payment, then a Checkout Session naming it; the same Idempotency-Key gives the same session", async () => {
    const { client, id } = await signedUp();
    const key = randomUUID();
    const first = await client.call(
      "POST",
      "/api/payments/checkout",
      { amountUsd: 12.5 },
      {
        "idempotency-key": key,
      },
    );
    expect(first.status).toBe(201);
    const payment = await prisma.payment.findUniqueOrThrow({ where: { id: first.json.paymentId } });
    expect(payment).toMatchObject({ userId: id, amountCents: 1250, status: "PENDING" });
    expect(payment.credits).toBe(creditsToMicro(1250));
    const created = stripe.received.filter((call) => call.path === "/v1/checkout/sessions");
    expect(created.at(-1)).toMatchObject({
      method: "POST",
      idempotencyKey: `checkout-${payment.id}`,
      body: {
        mode: "payment",
        client_reference_id: id,
        metadata: { payment_id: payment.id },
        payment_intent_data: { metadata: { payment_id: payment.id } },
        line_items: [{ quantity: "1", price_data: { currency: "usd", unit_amount: "1250" } }],
      },
    });
    const again = await client.call(
      "POST",
      "/api/payments/checkout",
      { amountUsd: 12.5 },
      {
        "idempotency-key": key,
      },
    );
    expect(again.json).toEqual(first.json);
    expect(await prisma.payment.count({ where: { userId: id } })).toBe(1);
    const listed = await client.call("GET", "/api/payments");
    expect(listed.json.payments).toMatchObject([
      { id: payment.id, amountUsd: "12.50", status: "pending" },
    ]);
  });

  test("amounts outside $5–$1,000 or finer than cents are a 400 naming amountUsd; nothing is created", async () => {
    const { client, id } = await signedUp();
    for (const amountUsd of [4.99, 1000.01, "ten", 10.001, null, -5]) {
      const answer = await client.call("POST", "/api/payments/checkout", { amountUsd });
      expect(answer.status).toBe(400);
      expect(answer.json.error.param).toBe("amountUsd");
    }
    expect(await prisma.payment.count({ where: { userId: id } })).toBe(0);
  });

  test("a new account may pay in at most MAX_TOPUP_PER_DAY_USD a day: then 429 naming it", async () => {
    const { client } = await signedUp();
    expect((await client.call("POST", "/api/payments/checkout", { amountUsd: 150 })).status).toBe(
      201,
    );
    const refused = await client.call("POST", "/api/payments/checkout", { amountUsd: 100 });
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatchObject({ code: "topup_limit_reached", param: "amountUsd" });
    expect(refused.json.error.message).toMatch(/at most \$200 a day/);
    expect((await client.call("POST", "/api/payments/checkout", { amountUsd: 50 })).status).toBe(
      201,
    );
    // At once, as card testing would: no two submissions pass the brake together.
    const racer = (await signedUp()).client;
    const statuses = await Promise.all(
      Array.from({ length: 6 }, () =>
        racer.call("POST", "/api/payments/checkout", { amountUsd: 90 }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((status) => status === 201)).toHaveLength(2);
    expect(statuses.filter((status) => status === 429)).toHaveLength(4);
  });

  test("without Stripe: checkout is a 503 saying payments are not configured; the free onramp follows FREE_ONRAMP", async () => {
    const { client } = await signedUp(noStripe);
    const answer = await client.call("POST", "/api/payments/checkout", { amountUsd: 10 });
    expect(answer.status).toBe(503);
    expect(answer.json.error.code).toBe("payments_not_configured");
    const free = await client.call("POST", "/api/payments/onramp", undefined, {
      "idempotency-key": randomUUID(),
    });
    expect(free.status).toBe(201);
    const off = await (
      await signedUp()
    ).client.call("POST", "/api/payments/onramp", undefined, {
      "idempotency-key": randomUUID(),
    });
    expect(off.status).toBe(403);
    expect(off.json.error.code).toBe("free_onramp_disabled");
  });
});

describe("webhooks credit exactly once", () => {
  test("the same event delivered 5 times: one credit, later deliveries say duplicate", async () => {
    const { user, session } = await paidCheckout(25);
    const event = stripe.event("checkout.session.completed", session);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await (await deliver(event)).json());
    expect(answers[0]).toEqual({ received: true, outcome: "credited" });
    for (const later of answers.slice(1))
      expect(later).toEqual({ received: true, duplicate: true });
    expect(await creditsOf(user.id)).toEqual({
      rows: [["STRIPE", creditsToMicro(2500)]],
      balance: creditsToMicro(2500),
    });
    const payment = await prisma.payment.findFirstOrThrow({ where: { userId: user.id } });
    expect(payment).toMatchObject({ status: "PAID", paymentIntentId: session.payment_intent });
    // The receipt, fetched from Stripe once credited.
    expect(payment.receiptUrl).toMatch(/\/receipts\/ch_test_/);
  });

  test("checkout.session.completed and payment_intent.succeeded for one payment: one credit", async () => {
    const { user, session, intent } = await paidCheckout(40);
    const completed = await deliver(stripe.event("payment_intent.succeeded", intent));
    expect(await completed.json()).toMatchObject({ outcome: "credited" });
    const second = await deliver(stripe.event("checkout.session.completed", session));
    expect(await second.json()).toMatchObject({ outcome: "already" });
    expect((await creditsOf(user.id)).balance).toBe(creditsToMicro(4000));
  });

  test("20 concurrent deliveries, duplicates and both kinds of event mixed: one credit", async () => {
    const { user, session, intent } = await paidCheckout(60);
    const events = [
      stripe.event("checkout.session.completed", session),
      stripe.event("payment_intent.succeeded", intent),
      stripe.event("checkout.session.completed", session),
    ];
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        deliver(events[i % events.length]!).then((r) => r.status),
      ),
    );
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(await creditsOf(user.id)).toEqual({
      rows: [["STRIPE", creditsToMicro(6000)]],
      balance: creditsToMicro(6000),
    });
  });

  test("a delivery whose processing fails once (the database refuses the write) is a 500; Stripe's retry credits once", async () => {
    const { user, session } = await paidCheckout(30);
    // A real failure inside the crediting transaction: a trigger that raises once (a sequence
    // is not rolled back, so only the first write fails).
    await db.pool.query(`
      CREATE SEQUENCE fail_once;
      CREATE FUNCTION fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF nextval('fail_once') = 1 THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER fail_once BEFORE INSERT ON onramp_transactions FOR EACH ROW EXECUTE FUNCTION fail_once();`);
    try {
      const event = stripe.event("checkout.session.completed", session);
      const failed = await deliver(event);
      expect(failed.status).toBe(500);
      expect(await creditsOf(user.id)).toEqual({ rows: [], balance: 0n });
      expect(await prisma.payment.findFirstOrThrow({ where: { userId: user.id } })).toMatchObject({
        status: "PENDING",
      });
      const stored = await prisma.stripeEvent.findUniqueOrThrow({ where: { id: event.id } });
      expect(stored).toMatchObject({ processedAt: null, attempts: 1 });
      expect(stored.lastError).toMatch(/injected failure/);
      const retried = await deliver(event);
      expect(retried.status).toBe(200);
      expect((await creditsOf(user.id)).balance).toBe(creditsToMicro(3000));
    } finally {
      await db.pool.query(
        "DROP TRIGGER fail_once ON onramp_transactions; DROP FUNCTION fail_once(); DROP SEQUENCE fail_once;",
      );
    }
  });

  test("a bad signature, an unknown payment, a mismatched amount, another session: 400, nothing credited", async () => {
    const { user, session } = await paidCheckout(20);
    const good = stripe.event("checkout.session.completed", session);
    const tampered = {
      ...good,
      payload: good.payload.replace('"amount_total":2000', '"amount_total":200000'),
    };
    const cases = [
      deliver(good, good.signature.replace(/v1=\w{4}/, "v1=0000")),
      deliver(tampered),
      deliver(good, ""),
      deliver(
        stripe.event("checkout.session.completed", {
          ...session,
          metadata: { payment_id: randomUUID() },
        }),
      ),
      deliver(stripe.event("checkout.session.completed", { ...session, amount_total: 1999 })),
      deliver(stripe.event("checkout.session.completed", { ...session, currency: "eur" })),
      deliver(stripe.event("checkout.session.completed", { ...session, id: "cs_test_other" })),
      deliver(stripe.event("checkout.session.completed", { ...session, metadata: {} })),
    ];
    const answers = await Promise.all(cases);
    expect(answers.map((answer) => answer.status)).toEqual([
      400, 400, 400, 400, 400, 400, 400, 400,
    ]);
    expect(await creditsOf(user.id)).toEqual({ rows: [], balance: 0n });
    // The genuine event still credits.
    expect((await deliver(good)).status).toBe(200);
    expect((await creditsOf(user.id)).balance).toBe(creditsToMicro(2000));
  });

  test("an unpaid completed session (a bank debit) waits; async_payment_succeeded credits it", async () => {
    const { user, session } = await paidCheckout(15);
    const waiting = await deliver(
      stripe.event("checkout.session.completed", { ...session, payment_status: "unpaid" }),
    );
    expect(await waiting.json()).toMatchObject({ outcome: "awaiting payment" });
    expect((await creditsOf(user.id)).balance).toBe(0n);
    await deliver(stripe.event("checkout.session.async_payment_succeeded", session));
    expect((await creditsOf(user.id)).balance).toBe(creditsToMicro(1500));
  });
});

describe("money taken back", () => {
  test("refunds: each new total takes the difference back once; a full refund marks the payment refunded", async () => {
    const { user, session, charge } = await paidCheckout(25);
    await deliver(stripe.event("checkout.session.completed", session));
    const partial = stripe.event("charge.refunded", { ...charge, amount_refunded: 1000 });
    await deliver(partial);
    await deliver(stripe.event("charge.refunded", { ...charge, amount_refunded: 1000 }));
    expect(await creditsOf(user.id)).toEqual({
      rows: [
        ["STRIPE", creditsToMicro(2500)],
        ["REFUND", -creditsToMicro(1000)],
      ],
      balance: creditsToMicro(1500),
    });
    await deliver(
      stripe.event("charge.refunded", { ...charge, amount_refunded: 2500, refunded: true }),
    );
    const after = await creditsOf(user.id);
    expect(after.rows.at(-1)).toEqual(["REFUND", -creditsToMicro(1500)]);
    expect(after.balance).toBe(0n);
    expect(await prisma.payment.findFirstOrThrow({ where: { userId: user.id } })).toMatchObject({
      status: "REFUNDED",
      refundedCents: 2500,
    });
  });

  test("a dispute takes its amount back once, even below zero (after a partial refund)", async () => {
    const { user, session, charge } = await paidCheckout(30);
    await deliver(stripe.event("checkout.session.completed", session));
    await deliver(stripe.event("charge.refunded", { ...charge, amount_refunded: 1000 }));
    const dispute = {
      id: "dp_test_1",
      object: "dispute",
      amount: 3000,
      charge: charge.id,
      payment_intent: charge.payment_intent,
    };
    await deliver(stripe.event("charge.dispute.created", dispute));
    await deliver(stripe.event("charge.dispute.created", dispute));
    const after = await creditsOf(user.id);
    expect(after).toEqual({
      rows: [
        ["STRIPE", creditsToMicro(3000)],
        ["REFUND", -creditsToMicro(1000)],
        ["DISPUTE", -creditsToMicro(3000)],
      ],
      balance: -creditsToMicro(1000),
    });
    expect(await prisma.payment.findFirstOrThrow({ where: { userId: user.id } })).toMatchObject({
      status: "DISPUTED",
    });
  });
});
