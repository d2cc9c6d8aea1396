import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

// A fake Stripe API for tests and local runs: the Checkout Session and
// PaymentIntent endpoints the gateway calls (form-encoded, as the official SDK
// sends them, with Idempotency-Key replays), a checkout page that "pays", and
// webhook events signed with the official SDK's test-header helper.

/**
 * A Checkout Session as Stripe's API answers it (the fields the SDK's type and the
 * gateway read; `url` is null once the session is no longer open).
 * @see https://docs.stripe.com/api/checkout/sessions/object
 */
export interface FakeSession {
  id: string;
  object: "checkout.session";
  livemode: false;
  mode: string;
  ui_mode: "hosted";
  status: "open" | "complete" | "expired";
  payment_status: "unpaid" | "paid" | "no_payment_required";
  payment_method_types: string[];
  amount_subtotal: number;
  amount_total: number;
  total_details: { amount_discount: number; amount_shipping: number; amount_tax: number };
  currency: string;
  customer_email: string | null;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  payment_intent: string | null;
  customer: string | null;
  setup_intent: string | null;
  success_url: string;
  cancel_url: string;
  url: string | null;
  created: number;
  expires_at: number;
}

export interface FakeCharge {
  id: string;
  object: "charge";
  amount: number;
  amount_refunded: number;
  refunded: boolean;
  currency: string;
  payment_intent: string;
  receipt_url: string;
  paid: boolean;
  status: "succeeded";
}

export interface FakeIntent {
  id: string;
  object: "payment_intent";
  amount: number;
  amount_received: number;
  currency: string;
  metadata: Record<string, string>;
  status: "succeeded";
  latest_charge: string;
}

export interface FakeStripe {
  /** For STRIPE_API_BASE. */
  baseUrl: string;
  /** Requests the SDK made: method, path, form body, Idempotency-Key. */
  received: {
    method: string;
    path: string;
    body: Record<string, unknown>;
    idempotencyKey?: string;
  }[];
  sessions: Map<string, FakeSession>;
  /** Answers every API call with a 500 (Stripe down), while set. */
  unavailable: boolean;
  /** Holds the answers to API paths matching `path` this long (a slow Stripe). */
  slow: { ms: number; path: RegExp } | undefined;
  /** Expires an open session, as Stripe does after 24 hours (or POST .../expire). */
  expire(sessionId: string): FakeSession;
  /** Completes a session whose money is still on its way (a bank debit): complete, unpaid. */
  completeUnpaid(sessionId: string): FakeSession;
  /** Marks a session paid (as its page does): its PaymentIntent and charge. */
  pay(sessionId: string): { session: FakeSession; intent: FakeIntent; charge: FakeCharge };
  /** A webhook event's payload for `object`, and a valid Stripe-Signature for it. */
  event(
    type: string,
    object: object,
    id?: string,
  ): { id: string; payload: string; signature: string };
  /** Where the checkout page delivers its events (signed with `secret`); unset: it does not. */
  webhookUrl: string | undefined;
  /** Payment methods whose off-session charges are declined. */
  declined: Set<string>;
  /** Completes a setup-mode session (as its page does): the card saved as a payment method. */
  saveCard(sessionId: string): { session: FakeSession; paymentMethod: string };
  close(): Promise<void>;
}

/** Posts a signed event to a webhook endpoint, as Stripe does. */
export function postEvent(
  url: string,
  event: { payload: string; signature: string },
  signature = event.signature,
) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": signature },
    body: event.payload,
  });
}

export const FAKE_STRIPE_SECRET_KEY = "sk_test_fakegateway000000000000";
export const FAKE_WEBHOOK_SECRET = "whsec_fakegateway000000000000";

const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString("hex")}`;

/** Stripe's form encoding (`a[b][0][c]=1`) back into objects and arrays. */
export function parseStripeForm(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.replace(/\]/g, "").split("[");
    let node: Record<string, unknown> = root;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = (node[part] ??= /^\d+$/.test(path[i + 1]!) ? [] : {}) as Record<string, unknown>;
    });
  }
  return root;
}

export async function startFakeStripe(
  options: { port?: number; webhookSecret?: string; webhookUrl?: string } = {},
): Promise<FakeStripe> {
  const secret = options.webhookSecret ?? FAKE_WEBHOOK_SECRET;
  const sdk = new Stripe(FAKE_STRIPE_SECRET_KEY);
  const sessions = new Map<string, FakeSession>();
  const intents = new Map<string, FakeIntent>();
  const charges = new Map<string, FakeCharge>();
  const replays = new Map<string, { status: number; body: unknown }>();
  const received: FakeStripe["received"] = [];
  let baseUrl = "";

  const send = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { "content-type": "application/json", "request-id": id("req") });
    response.end(JSON.stringify(body));
  };
  const error = (response: ServerResponse, status: number, message: string, param?: string) =>
    send(response, status, { error: { type: "invalid_request_error", message, param } });

  const fake: FakeStripe = {
    baseUrl: "",
    received,
    sessions,
    webhookUrl: options.webhookUrl,
    declined: new Set(),
    unavailable: false,
    slow: undefined,
    expire(sessionId) {
      const session = sessions.get(sessionId);
      if (!session) throw new Error(`no session ${sessionId}`);
      if (session.status !== "open") throw new Error(`session ${sessionId} is ${session.status}`);
      Object.assign(session, { status: "expired", url: null });
      return { ...session };
    },
    completeUnpaid(sessionId) {
      const session = sessions.get(sessionId);
      if (!session) throw new Error(`no session ${sessionId}`);
      Object.assign(session, { status: "complete", url: null, payment_intent: id("pi") });
      return { ...session };
    },
    saveCard(sessionId) {
      const session = sessions.get(sessionId);
      if (!session || session.mode !== "setup") throw new Error(`no setup session ${sessionId}`);
      const paymentMethod = id("pm");
      const setupIntent = id("seti");
      setupIntents.set(setupIntent, {
        id: setupIntent,
        object: "setup_intent",
        status: "succeeded",
        customer: session.customer,
        payment_method: paymentMethod,
      });
      Object.assign(session, { status: "complete", setup_intent: setupIntent, url: null });
      return { session: { ...session }, paymentMethod };
    },
    pay(sessionId) {
      const session = sessions.get(sessionId);
      if (!session) throw new Error(`no session ${sessionId}`);
      const chargeId = id("ch");
      const intent: FakeIntent = {
        id: session.payment_intent ?? id("pi"),
        object: "payment_intent",
        amount: session.amount_total,
        amount_received: session.amount_total,
        currency: session.currency,
        metadata: intentMetadata.get(sessionId) ?? {},
        status: "succeeded",
        latest_charge: chargeId,
      };
      const charge: FakeCharge = {
        id: chargeId,
        object: "charge",
        amount: session.amount_total,
        amount_refunded: 0,
        refunded: false,
        currency: session.currency,
        payment_intent: intent.id,
        receipt_url: `${baseUrl}/receipts/${chargeId}`,
        paid: true,
        status: "succeeded",
      };
      intents.set(intent.id, intent);
      charges.set(charge.id, charge);
      Object.assign(session, {
        status: "complete",
        payment_status: "paid",
        payment_intent: intent.id,
        url: null,
      });
      return { session: { ...session }, intent: { ...intent }, charge: { ...charge } };
    },
    event(type, object, eventId = id("evt")) {
      const payload = JSON.stringify({
        id: eventId,
        object: "event",
        api_version: "2026-10-28.endive",
        created: Math.floor(Date.now() / 1000),
        type,
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        data: { object },
      });
      return {
        id: eventId,
        payload,
        signature: sdk.webhooks.generateTestHeaderString({ payload, secret }),
      };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const intentMetadata = new Map<string, Record<string, string>>();
  const setupIntents = new Map<string, object>();

  async function deliver(type: string, object: object) {
    if (!fake.webhookUrl) return;
    await postEvent(fake.webhookUrl, fake.event(type, object)).catch(() => {});
  }

  async function api(request: IncomingMessage, response: ServerResponse, url: URL, text: string) {
    if (!/^Bearer sk_(test|live)_\w+$/.test(request.headers.authorization ?? ""))
      return send(response, 401, {
        error: { type: "invalid_request_error", message: "Invalid API Key provided" },
      });
    const slow = fake.slow;
    if (slow?.path.test(url.pathname)) await new Promise((resolve) => setTimeout(resolve, slow.ms));
    if (fake.unavailable) {
      // Told not to retry, so that a test sees the outage at once.
      response.writeHead(500, {
        "content-type": "application/json",
        "stripe-should-retry": "false",
      });
      return response.end(
        JSON.stringify({ error: { type: "api_error", message: "Stripe is unavailable" } }),
      );
    }
    const body = parseStripeForm(text);
    const key = request.headers["idempotency-key"] as string | undefined;
    received.push({
      method: request.method ?? "GET",
      path: url.pathname,
      body,
      idempotencyKey: key,
    });
    const replayKey = key && `${request.method} ${url.pathname} ${key}`;
    if (replayKey && replays.has(replayKey)) {
      const replay = replays.get(replayKey)!;
      return send(response, replay.status, replay.body);
    }
    const answer = (status: number, payload: unknown) => {
      if (replayKey) replays.set(replayKey, { status, body: payload });
      send(response, status, payload);
    };
    const sessionPath = /^\/v1\/checkout\/sessions\/([\w-]+)$/.exec(url.pathname);
    const intentPath = /^\/v1\/payment_intents\/([\w-]+)$/.exec(url.pathname);
    if (request.method === "POST" && url.pathname === "/v1/checkout/sessions") {
      const items = (body.line_items ?? []) as {
        quantity?: string;
        price_data?: { currency?: string; unit_amount?: string };
      }[];
      if (items.length === 0 && body.mode !== "setup")
        return error(response, 400, "Missing required param: line_items.", "line_items");
      const amount = items.reduce(
        (sum, item) => sum + Number(item.price_data?.unit_amount ?? 0) * Number(item.quantity ?? 1),
        0,
      );
      const sessionId = id("cs");
      const created = Math.floor(Date.now() / 1000);
      const session: FakeSession = {
        id: sessionId,
        object: "checkout.session",
        livemode: false,
        mode: String(body.mode ?? "payment"),
        ui_mode: "hosted",
        status: "open",
        payment_status: body.mode === "setup" ? "no_payment_required" : "unpaid",
        payment_method_types: ["card"],
        amount_subtotal: amount,
        amount_total: amount,
        total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
        currency: items[0]?.price_data?.currency ?? String(body.currency ?? "usd"),
        customer_email: (body.customer_email as string | undefined) ?? null,
        client_reference_id: (body.client_reference_id as string | undefined) ?? null,
        metadata: (body.metadata ?? {}) as Record<string, string>,
        payment_intent: null,
        customer: (body.customer as string | undefined) ?? null,
        setup_intent: null,
        success_url: String(body.success_url ?? ""),
        cancel_url: String(body.cancel_url ?? ""),
        url: `${baseUrl}/pay/${sessionId}`,
        created,
        // Stripe's default: a Checkout Session expires after 24 hours.
        expires_at: created + 86_400,
      };
      sessions.set(sessionId, session);
      intentMetadata.set(
        sessionId,
        ((body.payment_intent_data as { metadata?: Record<string, string> } | undefined)
          ?.metadata ?? {}) as Record<string, string>,
      );
      return answer(200, session);
    }
    if (request.method === "POST" && url.pathname === "/v1/customers")
      return answer(200, {
        id: id("cus"),
        object: "customer",
        email: body.email ?? null,
        metadata: body.metadata ?? {},
      });
    const setupPath = /^\/v1\/setup_intents\/([\w-]+)$/.exec(url.pathname);
    if (request.method === "GET" && setupPath) {
      const setupIntent = setupIntents.get(setupPath[1]!);
      return setupIntent ? answer(200, setupIntent) : error(response, 404, "No such setup_intent");
    }
    if (request.method === "POST" && url.pathname === "/v1/payment_intents")
      return answer(...(await offSessionCharge(body)));
    const expirePath = /^\/v1\/checkout\/sessions\/([\w-]+)\/expire$/.exec(url.pathname);
    if (request.method === "POST" && expirePath) {
      const session = sessions.get(expirePath[1]!);
      if (!session) return error(response, 404, `No such checkout.session: '${expirePath[1]}'`);
      if (session.status !== "open")
        return error(
          response,
          400,
          'Only Checkout Sessions with a status in ["open"] can be expired.',
        );
      return answer(200, fake.expire(session.id));
    }
    if (request.method === "GET" && sessionPath) {
      const session = sessions.get(sessionPath[1]!);
      return session
        ? answer(200, session)
        : error(response, 404, `No such checkout.session: '${sessionPath[1]}'`, "session");
    }
    if (request.method === "GET" && intentPath) {
      const intent = intents.get(intentPath[1]!);
      if (!intent) return error(response, 404, "No such payment_intent");
      const expand = url.searchParams
        .getAll("expand[]")
        .concat(url.searchParams.getAll("expand[0]"));
      return answer(200, {
        ...intent,
        latest_charge: expand.includes("latest_charge")
          ? charges.get(intent.latest_charge)
          : intent.latest_charge,
      });
    }
    return error(response, 404, `Unrecognized request URL (${request.method}: ${url.pathname})`);
  }

  /** An off-session charge on a saved card (confirm=true): succeeded, or declined. */
  async function offSessionCharge(body: Record<string, unknown>): Promise<[number, unknown]> {
    const method = String(body.payment_method ?? "");
    if (fake.declined.has(method))
      return [
        402,
        {
          error: {
            type: "card_error",
            code: "card_declined",
            decline_code: "generic_decline",
            message: "Your card was declined.",
          },
        },
      ];
    const amount = Number(body.amount);
    const chargeId = id("ch");
    const intent: FakeIntent = {
      id: id("pi"),
      object: "payment_intent",
      amount,
      amount_received: amount,
      currency: String(body.currency ?? "usd"),
      metadata: (body.metadata ?? {}) as Record<string, string>,
      status: "succeeded",
      latest_charge: chargeId,
    };
    const charge: FakeCharge = {
      id: chargeId,
      object: "charge",
      amount,
      amount_refunded: 0,
      refunded: false,
      currency: intent.currency,
      payment_intent: intent.id,
      receipt_url: `${baseUrl}/receipts/${chargeId}`,
      paid: true,
      status: "succeeded",
    };
    intents.set(intent.id, intent);
    charges.set(charge.id, charge);
    // As Stripe does, the events follow the answer.
    setTimeout(() => {
      void deliver("payment_intent.succeeded", intent).then(() =>
        deliver("charge.succeeded", charge),
      );
    }, 10);
    return [200, intent];
  }

  /** The checkout page: a button that pays, then the events, then back to the gateway. */
  async function page(request: IncomingMessage, response: ServerResponse, url: URL) {
    const session = sessions.get(url.pathname.slice("/pay/".length));
    if (!session) {
      response.writeHead(404, { "content-type": "text/plain" });
      return response.end("No such Checkout Session");
    }
    if (request.method === "POST" && session.mode === "setup") {
      fake.saveCard(session.id);
      await deliver("checkout.session.completed", sessions.get(session.id)!);
      response.writeHead(303, { location: session.success_url });
      return response.end();
    }
    if (request.method === "POST") {
      const { intent, charge } = fake.pay(session.id);
      await deliver("checkout.session.completed", sessions.get(session.id)!);
      await deliver("payment_intent.succeeded", intent);
      await deliver("charge.succeeded", charge);
      response.writeHead(303, { location: session.success_url });
      return response.end();
    }
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(
      `<!doctype html><html lang="en"><head><title>Fake Stripe Checkout</title></head><body>` +
        `<main><h1>Fake Stripe Checkout</h1><p>Pay $${(session.amount_total / 100).toFixed(2)}</p>` +
        `<form method="post"><button type="submit">Pay</button></form>` +
        `<p><a href="${session.cancel_url}">Cancel</a></p></main></body></html>`,
    );
  }

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://fake");
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    try {
      if (url.pathname.startsWith("/pay/")) return await page(request, response, url);
      if (url.pathname.startsWith("/receipts/")) {
        response.writeHead(200, { "content-type": "text/html" });
        return response.end("<!doctype html><title>Receipt</title><p>Receipt</p>");
      }
      return await api(request, response, url, text);
    } catch (caught) {
      if (!response.headersSent) send(response, 500, { error: { message: String(caught) } });
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.baseUrl = baseUrl;
  return fake;
}
