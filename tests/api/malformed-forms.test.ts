// Malformed bodies sent to the sign-in and sign-up forms, the dashboard's form
// actions and the JSON API of a real gateway process get a 4xx, never a 5xx.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { setupTestDatabase } from "../support/database.ts";
import { startGateway, type GatewayProcess } from "../support/gateway-process.ts";

const db = setupTestDatabase();
let gateway: GatewayProcess;
let cookie: string;

beforeAll(async () => {
  gateway = await startGateway({
    DATABASE_URL: db.url,
    DATA_DIR: mkdtempSync(join(tmpdir(), "gw-forms-")),
    LOG_LEVEL: "debug", // every line is checked below
  });
  const signUp = await fetch(`${gateway.baseUrl}/api/auth/sign-up`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "forms@example.test", password: "long enough password" }),
  });
  expect(signUp.status).toBe(201);
  cookie = signUp.headers.getSetCookie()[0]!.split(";")[0]!;
});
afterAll(() => gateway.stop());

// Answers by status, printed at the end: the "counts by status".
const answered = new Map<number, number>();
const tally = (status: number) => answered.set(status, (answered.get(status) ?? 0) + 1);
afterAll(() => {
  const counts = [...answered].sort(([a], [b]) => a - b).map(([code, n]) => `${code}: ${n}`);
  console.log(`malformed form and JSON API requests by status: ${counts.join(", ")}`);
});

const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";
const BROKEN_MULTIPART = "multipart/form-data; boundary=XYZ";

type Case = [
  name: string,
  path: string,
  type: string,
  body: string,
  status: number,
  signedIn?: boolean,
];
const CASES: Case[] = [
  ["sign-in form, NUL in the email", "/login", FORM, "email=a%00b%40c.de&password=x", 400],
  [
    "sign-up form, NUL in the email",
    "/signup",
    FORM,
    "email=a%00b%40c.de&password=long+enough+password",
    400,
  ],
  ["sign-in form, NUL in a field name", "/login", FORM, "em%00ail=a%40b.c&password=x", 400],
  ["sign-in form sent as JSON", "/login", JSON_TYPE, '{"email":"a@b.c","password":"x"}', 415],
  ["sign-up form sent as text", "/signup", "text/plain", "email=a@b.c", 415],
  ["sign-up form without a Content-Type", "/signup", "", "email=a@b.c", 415],
  ["sign-in form, broken multipart", "/login", BROKEN_MULTIPART, "--XYZ\r\nnonsense", 400],
  ["keys form, NUL in the name", "/dashboard/keys", FORM, "intent=create&name=a%00b", 400, true],
  ["keys form sent as JSON", "/dashboard/keys", JSON_TYPE, '{"intent":"create"}', 415, true],
  ["keys form, broken multipart", "/dashboard/keys", BROKEN_MULTIPART, "--XYZ--junk", 400, true],
  ["credits form sent as JSON", "/dashboard/credits", JSON_TYPE, "{}", 415, true],
  [
    "API sign-in, NUL in the email",
    "/api/auth/sign-in",
    JSON_TYPE,
    '{"email":"a\\u0000@b.c","password":"x"}',
    400,
  ],
  [
    "API sign-up, NUL in the email",
    "/api/auth/sign-up",
    JSON_TYPE,
    '{"email":"a\\u0000@b.c","password":"long enough password"}',
    400,
  ],
  [
    "API sign-in, NUL in a key",
    "/api/auth/sign-in",
    JSON_TYPE,
    '{"email\\u0000":"a@b.c","password":"x"}',
    400,
  ],
  ["API key, NUL in the name", "/api/api-keys", JSON_TYPE, '{"name":"a\\u0000b"}', 400, true],
  [
    "API key, nested 10,000 deep",
    "/api/api-keys",
    JSON_TYPE,
    `{"name":${"[".repeat(10_000)}${"]".repeat(10_000)}}`,
    400,
    true,
  ],
  ["API sign-in sent as a form", "/api/auth/sign-in", FORM, "email=a%40b.c", 415],
];

test.each(CASES)("%s -> %i", async (_name, path, type, body, status, signedIn) => {
  const response = await fetch(gateway.baseUrl + path, {
    method: "POST",
    headers: { ...(type ? { "content-type": type } : {}), ...(signedIn ? { cookie } : {}) },
    body,
    redirect: "manual",
  });
  tally(response.status);
  expect(response.status).toBe(status);
  const text = await response.text();
  if (path.startsWith("/api/")) expect(JSON.parse(text).error.message).toBeTruthy();
});

// Issue #21, finding 11: URLs no route can answer must say so (4xx), not fail
// in PostgreSQL (a bigint out of range, a NUL byte, which no text can hold).
const URL_CASES: [method: string, path: string, status: number, says: RegExp][] = [
  ["GET", "/dashboard/usage/99999999999999999999999", 404, /No such request/],
  ["GET", "/dashboard/usage/9223372036854775808", 404, /No such request/],
  ["GET", "/api/v1/generation?id=%00", 400, /NUL/],
  ["GET", "/api/v1/generation?id=req_%00x", 400, /NUL/],
  ["GET", "/api/auth/profile?team=%00", 400, /NUL/],
  ["DELETE", "/api/provider-keys/%00", 400, /NUL/],
  ["PUT", "/api/provider-keys/%00", 400, /NUL/],
  ["PUT", "/api/admin/models/%00", 400, /NUL/],
  ["PUT", "/api/admin/providers/%00", 400, /NUL/],
  ["POST", "/api/admin/providers/%00/keys", 400, /NUL/],
  ["DELETE", "/api/admin/providers/%00/keys/1", 400, /NUL/],
  ["GET", "/dashboard/usage?model=%00", 400, /NUL/],
];

test.each(URL_CASES)("%s %s -> %i", async (method, path, status, says) => {
  const keys = await fetch(`${gateway.baseUrl}/api/api-keys`, {
    method: "POST",
    headers: { "content-type": JSON_TYPE, cookie },
    body: JSON.stringify({ name: "url cases" }),
  });
  const { secret } = (await keys.json()) as { secret: string };
  const response = await fetch(gateway.baseUrl + path, {
    method,
    headers: {
      cookie,
      authorization: `Bearer ${secret}`,
      ...(method === "GET" ? {} : { "content-type": JSON_TYPE }),
    },
    body: method === "GET" ? undefined : JSON.stringify({ name: "x", apiKey: "sk-0123456789" }),
    redirect: "manual",
  });
  tally(response.status);
  expect(response.status).toBe(status);
  expect(await response.text()).toMatch(says);
});

test("nothing above was logged as a server error", () => {
  const errors = gateway
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{") && JSON.parse(line).level >= 50);
  expect(errors).toEqual([]);
});

// The families above, multiplied: every form action and JSON API write, each
// field given each kind of bad value. Whatever a field gets, the answer is
// never a 5xx, and the JSON API answers in its error shape.
const BAD_VALUES: [label: string, value: unknown][] = [
  ["NUL", "a\u0000b"],
  ["empty", ""],
  ["10,000 characters", "x".repeat(10_000)],
  ["a number", 12345],
  ["a negative number", -1],
  ["2^64", "18446744073709551616"],
  ["a float", 1.5e308],
  ["an array", ["a", "b"]],
  ["an object", { nested: { deeper: true } }],
  ["null", null],
  ["true", true],
  ["unicode junk", "\uD800\uFFFE\u202E<script>"],
  ["SQL", "'; DROP TABLE users; --"],
  ["a UUID that exists nowhere", "00000000-0000-0000-0000-000000000000"],
];
const FORM_TARGETS: [path: string, fields: string[], base: Record<string, string>][] = [
  ["/login", ["email", "password", "redirectTo"], { email: "a@b.cd", password: "x" }],
  ["/signup", ["email", "password"], { email: "new@b.cd", password: "long enough password" }],
  [
    "/dashboard/keys",
    ["intent", "name", "creditLimit", "id", "enabled"],
    { intent: "create", name: "k" },
  ],
  ["/dashboard/credits", ["intent", "token", "amount", "customAmount"], {}],
  ["/dashboard/admin", ["intent", "email", "credits", "name", "model"], { intent: "grant" }],
  [
    "/dashboard/admin/models/gpt-6.2-sol",
    ["contextLength", "maxOutputTokens", "routes[0].id", "routes[0].inputPrice"],
    { contextLength: "1000", maxOutputTokens: "100" },
  ],
];
const API_TARGETS: [
  method: string,
  path: string,
  fields: string[],
  base: Record<string, unknown>,
][] = [
  ["POST", "/api/auth/sign-in", ["email", "password"], { email: "a@b.cd", password: "x" }],
  [
    "POST",
    "/api/auth/sign-up",
    ["email", "password"],
    { email: "n@b.cd", password: "long enough password" },
  ],
  ["POST", "/api/api-keys", ["name", "creditLimit"], { name: "k" }],
  [
    "PUT",
    "/api/api-keys",
    ["id", "enabled", "name", "creditLimit"],
    { id: "00000000-0000-0000-0000-000000000000", enabled: true },
  ],
];
const formText = (value: unknown) =>
  typeof value === "string" ? value : value === null ? "" : JSON.stringify(value);
const MATRIX = [
  ...FORM_TARGETS.flatMap(([path, fields, base]) =>
    fields.flatMap((field) =>
      BAD_VALUES.map(([label, value]) => ({
        name: `form ${path} ${field}=${label}`,
        method: "POST",
        path,
        type: FORM,
        body: new URLSearchParams({ ...base, [field]: formText(value) }).toString(),
      })),
    ),
  ),
  ...API_TARGETS.flatMap(([method, path, fields, base]) =>
    fields.flatMap((field) =>
      BAD_VALUES.map(([label, value]) => ({
        name: `API ${method} ${path} ${field}=${label}`,
        method,
        path,
        type: JSON_TYPE,
        body: JSON.stringify({ ...base, [field]: value }),
      })),
    ),
  ),
];

test("the matrix is long enough", () => {
  expect(MATRIX.length + CASES.length).toBeGreaterThanOrEqual(300);
});

test.each(MATRIX)("$name: 4xx or success, never 5xx", async ({ method, path, type, body }) => {
  const response = await fetch(gateway.baseUrl + path, {
    method,
    headers: { "content-type": type, cookie },
    body,
    redirect: "manual",
  });
  const text = await response.text();
  tally(response.status);
  expect(response.status).toBeLessThan(500);
  if (path.startsWith("/api/") && response.status >= 400) {
    const error = JSON.parse(text).error;
    expect(error).toMatchObject({ message: expect.any(String), type: expect.any(String) });
  }
});

test("every log line is one JSON object (the ready banner too); refusals carry no stack", () => {
  const lines = gateway.logLines();
  expect(lines.some((line) => line.msg.startsWith("Gateway ready"))).toBe(true);
  const withStack = lines.filter((line) => JSON.stringify(line).includes("\\n    at "));
  expect(withStack).toEqual([]);
});
