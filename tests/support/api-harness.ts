import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequestListener } from "@remix-run/node-fetch-server";
import { afterAll, beforeAll } from "vitest";
import { createAccounts, type Accounts } from "../../app/accounts/accounts.server.ts";
import { DEFAULT_FREE_ONRAMPS_PER_DAY } from "../../app/config/account-limits.ts";
import { methodNotAllowed } from "../../app/http/method-not-allowed.ts";
import {
  createKeyApi,
  deleteKeyApi,
  listKeysApi,
  updateKeyApi,
} from "../../app/api/api-keys-api.server.ts";
import { profileApi, signInApi, signOutApi, signUpApi } from "../../app/api/auth-api.server.ts";
import { modelsApi } from "../../app/api/models-api.server.ts";
import { createTeamApi, listTeamsApi } from "../../app/api/teams-api.server.ts";
import {
  getTeamGuardrailsApi,
  putTeamGuardrailsApi,
} from "../../app/api/team-guardrails-api.server.ts";
import { checkoutApi, listPaymentsApi, onrampApi } from "../../app/api/payments-api.server.ts";
import type { PaymentSettings } from "../../app/payments/payment-settings.server.ts";
import { handleStripeWebhook } from "../../app/payments/stripe-webhook.server.ts";
import { createLogger } from "../../app/observability/logger.server.ts";
import type { Prisma } from "../../app/db/prisma.server.ts";
import { stampClient } from "../../app/http/client-stamp.server.ts";
import type { TrustProxy } from "../../app/config/trust-proxy-setting.ts";
import { setupTestPrisma } from "./test-prisma.ts";

/** The JSON API's handlers on a real HTTP server, routed as app/routes.ts routes them. */
export async function startApiHarness(
  prisma: Prisma,
  options: {
    signupCredits?: number;
    adminEmail?: string;
    /** The tests sign many accounts up from 127.0.0.1: room for them unless a test sets it. */
    signUpsPerAddressPerHour?: number;
    trustProxy?: TrustProxy;
    /** Payments as the environment would set them (default: free top-ups on, no Stripe). */
    payments?: Partial<PaymentSettings>;
  } = {},
) {
  const { trustProxy = { kind: "none" }, payments: paymentOptions, ...accountOptions } = options;
  const payments: PaymentSettings = {
    stripe: undefined,
    freeOnramp: true,
    freeOnrampPerDay: DEFAULT_FREE_ONRAMPS_PER_DAY,
    maxTopupPerDayUsd: 200,
    ...paymentOptions,
  };
  const accounts: Accounts = createAccounts({
    prisma,
    sessionSecret: "test-secret-".padEnd(40, "x"),
    signUpsPerAddressPerHour: 1_000,
    ...accountOptions,
  });
  const listener = createRequestListener((request) => {
    const path = new URL(request.url).pathname;
    const method = request.method;
    if (path === "/api/auth/sign-up")
      return method === "POST" ? signUpApi(accounts, request) : methodNotAllowed("POST");
    if (path === "/api/auth/sign-in")
      return method === "POST" ? signInApi(accounts, request) : methodNotAllowed("POST");
    if (path === "/api/auth/sign-out")
      return method === "POST" ? signOutApi(accounts, request) : methodNotAllowed("POST");
    if (path === "/api/auth/profile") return profileApi(accounts, request);
    if (path === "/api/models") return modelsApi(accounts);
    if (path === "/api/teams") {
      if (method === "GET") return listTeamsApi(accounts, request);
      if (method === "POST") return createTeamApi(accounts, request);
      return methodNotAllowed("GET, POST");
    }
    if (path === "/api/teams/guardrails") {
      if (method === "GET") return getTeamGuardrailsApi(accounts, request);
      if (method === "PUT") return putTeamGuardrailsApi(accounts, request);
      return methodNotAllowed("GET, PUT");
    }
    if (path === "/api/payments/onramp")
      return method === "POST" ? onrampApi(accounts, payments, request) : methodNotAllowed("POST");
    if (path === "/api/payments/checkout")
      return method === "POST"
        ? checkoutApi(accounts, payments, request)
        : methodNotAllowed("POST");
    if (path === "/api/payments") return listPaymentsApi(accounts, request);
    if (path === "/api/payments/stripe/webhook" && payments.stripe?.webhookSecret)
      return handleStripeWebhook(
        {
          prisma,
          stripe: payments.stripe.stripe,
          webhookSecret: payments.stripe.webhookSecret,
          log: createLogger("silent"),
        },
        request,
      );
    if (path === "/api/api-keys") {
      if (method === "GET") return listKeysApi(accounts, request);
      if (method === "POST") return createKeyApi(accounts, request);
      if (method === "PUT") return updateKeyApi(accounts, request);
      return methodNotAllowed("GET, POST, PUT");
    }
    const keyId = /^\/api\/api-keys\/([^/]+)$/.exec(path)?.[1];
    if (keyId)
      return method === "DELETE"
        ? deleteKeyApi(accounts, request, keyId)
        : methodNotAllowed("DELETE");
    return Promise.resolve(new Response("Not found", { status: 404 }));
  });
  // As app/server/http-server.server.ts does: the client is decided at the socket.
  const server = createServer((request, response) => {
    stampClient(request, trustProxy);
    void listener(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    accounts,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The file's database, a Prisma client on it and the JSON API on it, closed after the tests. */
export function setupApiHarness(options: Parameters<typeof startApiHarness>[1] = {}) {
  const { db, prisma } = setupTestPrisma();
  const api = {} as Awaited<ReturnType<typeof startApiHarness>>;
  beforeAll(async () => {
    Object.assign(api, await startApiHarness(prisma, options));
  });
  afterAll(() => api.close?.());
  return { db, prisma, api };
}

/** A cookie-keeping client for one browser-less user. */
export function apiClient(baseUrl: string) {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(jar.size > 0 ? { cookie: cookieHeader() } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const [name = "", value = ""] = pair.split(/=(.*)/s);
      const cleared = value === "" || attributes.some((part) => /^\s*max-age=0\s*$/i.test(part));
      if (cleared) jar.delete(name.trim());
      else jar.set(name.trim(), value);
    }
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      // Tests read whatever JSON came back and assert on its shape.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      json: (text ? JSON.parse(text) : undefined) as any,
    };
  };
  const setCookies = (header: string) => {
    jar.clear();
    for (const pair of header.split("; ").filter(Boolean)) {
      const [name = "", value = ""] = pair.split(/=(.*)/s);
      jar.set(name, value);
    }
  };
  return { call, cookie: cookieHeader, setCookie: setCookies };
}
