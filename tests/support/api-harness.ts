import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequestListener } from "@remix-run/node-fetch-server";
import { createAccounts, type Accounts } from "../../app/accounts/accounts.server.ts";
import { methodNotAllowed } from "../../app/gateway/method-not-allowed.ts";
import {
  createKeyApi,
  deleteKeyApi,
  listKeysApi,
  updateKeyApi,
} from "../../app/api/api-keys-api.server.ts";
import { profileApi, signInApi, signOutApi, signUpApi } from "../../app/api/auth-api.server.ts";
import { modelsApi } from "../../app/api/models-api.server.ts";
import { onrampApi } from "../../app/api/payments-api.server.ts";
import type { Prisma } from "../../app/db/prisma.server.ts";

/** The JSON API's handlers on a real HTTP server, routed as app/routes.ts routes them. */
export async function startApiHarness(
  prisma: Prisma,
  options: { signupCredits?: number; adminEmail?: string } = {},
) {
  const accounts: Accounts = createAccounts({
    prisma,
    sessionSecret: "test-secret-".padEnd(40, "x"),
    ...options,
  });
  const server = createServer(
    createRequestListener((request) => {
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
      if (path === "/api/payments/onramp")
        return method === "POST" ? onrampApi(accounts, request) : methodNotAllowed("POST");
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
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A cookie-keeping client for one browser-less user. */
export function apiClient(baseUrl: string) {
  let cookie = "";
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
        ...(cookie ? { cookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const setCookie = response.headers.get("set-cookie");
    if (setCookie) cookie = setCookie.split(";")[0]!;
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      // Tests read whatever JSON came back and assert on its shape.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      json: (text ? JSON.parse(text) : undefined) as any,
    };
  };
  return { call, cookie: () => cookie, setCookie: (value: string) => (cookie = value) };
}
