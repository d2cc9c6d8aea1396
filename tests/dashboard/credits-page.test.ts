// The Credits page with Stripe configured (a fake Stripe): a checkout redirects
// to Stripe with the form's token as its idempotency key; a bad amount is a
// message; auto top-up saves its settings only with a card and a sensible
// amount; the card form goes to a setup-mode Checkout; a failure shows a notice.
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  FAKE_STRIPE_SECRET_KEY,
  FAKE_WEBHOOK_SECRET,
  startFakeStripe,
  type FakeStripe,
} from "#scripts/fake-providers/stripe.ts";
import { getAccounts } from "../../app/accounts/accounts.server.ts";
import { startSession } from "../../app/accounts/session.server.ts";
import * as credits from "../../app/routes/dashboard.credits.tsx";
import { setupTestDatabase } from "../support/database.ts";
import { createUser } from "../support/factories.ts";

const db = setupTestDatabase();
const BASE = "http://gateway.test";
let fake: FakeStripe;

beforeAll(async () => {
  fake = await startFakeStripe();
  Object.assign(process.env, {
    DATABASE_URL: db.url,
    SESSION_SECRET: "credits-page-secret".padEnd(40, "x"),
    STRIPE_SECRET_KEY: FAKE_STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: FAKE_WEBHOOK_SECRET,
    STRIPE_API_BASE: fake.baseUrl,
    FREE_ONRAMP: "false",
  });
});
afterAll(async () => {
  await getAccounts().prisma.$disconnect();
  await fake.close();
});

const args = (request: Request) =>
  ({ request, params: {}, context: {}, unstable_pattern: "", url: new URL(request.url) }) as never;

async function signedIn() {
  const user = await createUser(getAccounts().prisma);
  const cookie = (await startSession(getAccounts(), new Request(BASE), user.id)).split(";")[0]!;
  const load = (query = "") =>
    credits.loader(args(new Request(`${BASE}/dashboard/credits${query}`, { headers: { cookie } })));
  const submit = async (fields: Record<string, string>) => {
    try {
      return await credits.action(
        args(
          new Request(`${BASE}/dashboard/credits`, {
            method: "POST",
            body: new URLSearchParams(fields),
            headers: { cookie },
          }),
        ),
      );
    } catch (thrown) {
      return thrown;
    }
  };
  return { user, load, submit };
}

/** A form's answer: which form, the errors by field, and the amount typed (kept for the form). */
function fieldsOf(answer: unknown) {
  const { form, result } = (answer as { data: { form: string; result: Submitted } }).data;
  const typed = result.initialValue?.customAmount ?? result.initialValue?.amountUsd;
  return { form, error: result.error, typed };
}
type Submitted = {
  error?: Record<string, string[]>;
  initialValue?: Record<string, string | undefined>;
};

const location = (result: unknown) =>
  result instanceof Response ? result.headers.get("location") : undefined;

test("Pay with Stripe: a redirect to Checkout, once per form; bad amounts are a message", async () => {
  const { user, load, submit } = await signedIn();
  const page = await load();
  expect(page).toMatchObject({
    paymentsConfigured: true,
    freeOnramp: false,
    presets: [10, 25, 50, 100],
  });
  const form = { intent: "checkout", token: page.token, amount: "custom", customAmount: "$42.50" };
  const [first, second] = [await submit(form), await submit(form)];
  expect(location(first)).toMatch(new RegExp(`^${fake.baseUrl}/pay/cs_test_`));
  expect(location(second)).toBe(location(first));
  const payments = await getAccounts().prisma.payment.findMany({ where: { userId: user.id } });
  expect(payments).toMatchObject([
    { amountCents: 4250, status: "PENDING", idempotencyKey: page.token },
  ]);
  // A bad amount answers beside its field (ADR 048), with what was typed.
  for (const customAmount of ["4.99", "abc", "", "1000.01", "5.001"]) {
    const refused = await submit({ ...form, token: crypto.randomUUID(), customAmount });
    expect(fieldsOf(refused)).toEqual({
      form: "checkout",
      error: { customAmount: ["Enter an amount from $5 to $1,000, in dollars and cents."] },
      typed: customAmount === "" ? undefined : customAmount,
    });
  }
  // Back from Checkout unpaid (Stripe says the session is open): nothing was charged.
  const back = await load(`?payment=${payments[0]!.id}`);
  expect(back.returned).toMatchObject({ state: "open", credits: "4,250.00 credits ($42.50)" });
  // The free top-up is off: its form is refused.
  expect(JSON.stringify(await submit({ intent: "free", token: crypto.randomUUID() }))).toContain(
    "Free top-ups are off",
  );
});

test("auto top-up: a card first (setup-mode Checkout), an amount above the threshold, a failure notice", async () => {
  const { user, load, submit } = await signedIn();
  const settings = { intent: "auto", enabled: "on", thresholdCredits: "100", amountUsd: "20" };
  expect(JSON.stringify(await submit(settings))).toContain("Save a card first");
  const toSetup = await submit({ intent: "card" });
  const url = location(toSetup)!;
  expect(url).toMatch(new RegExp(`^${fake.baseUrl}/pay/cs_test_`));
  const session = fake.sessions.get(new URL(url).pathname.split("/").at(-1)!)!;
  expect(session).toMatchObject({
    mode: "setup",
    metadata: { user_id: user.id, purpose: "auto_topup" },
  });
  // The webhook of the setup session stores the card (as stripe-payments tests deliver it).
  await getAccounts().prisma.autoTopUp.update({
    where: { userId: user.id },
    data: { paymentMethodId: fake.saveCard(session.id).paymentMethod },
  });
  expect(fieldsOf(await submit({ ...settings, amountUsd: "0.99" }))).toEqual({
    form: "auto",
    error: { amountUsd: ["Enter an amount from $5 to $1,000, in dollars and cents."] },
    typed: "0.99",
  });
  expect(
    fieldsOf(await submit({ ...settings, amountUsd: "5", thresholdCredits: "500" })).error,
  ).toEqual({ amountUsd: ["Buy more credits than the threshold (1 credit = 1 cent)."] });
  expect(fieldsOf(await submit({ ...settings, thresholdCredits: "1.5" })).error).toEqual({
    thresholdCredits: ["Enter a whole number of credits"],
  });
  expect(JSON.stringify(await submit(settings))).toContain(
    "Auto top-up on: under 100.00 credits ($1.00), your card is charged for 2,000.00 credits ($20.00).",
  );
  expect((await load()).autoTopUp).toMatchObject({
    enabled: true,
    thresholdCredits: "100",
    amountUsd: "20.00",
    card: true,
    failure: null,
  });
  await getAccounts().prisma.autoTopUp.update({
    where: { userId: user.id },
    data: { failedAt: new Date(), lastError: "Your card was declined." },
  });
  expect((await load()).autoTopUp?.failure).toMatchObject({ reason: "Your card was declined." });
});
