// Accounts (issue #23, ADR 044): password reset by email (a hashed, expiring,
// single-use token), the settings page (password, email, sessions), and the
// admin's users page (disable, roles, grants), called as the pages call them,
// on a real database, with the mail read from a local SMTP server.
import { createHash } from "node:crypto";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, test } from "vitest";
import { getAccounts } from "../../app/accounts/accounts.server.ts";
import { recentAuditEvents } from "../../app/accounts/audit-log.server.ts";
import { getSession, startSession } from "../../app/accounts/session.server.ts";
import { signIn } from "../../app/accounts/sign-in.server.ts";
import { closeGateway } from "../../app/gateway/gateway-instance.server.ts";
import * as forgot from "../../app/routes/forgot-password.tsx";
import * as reset from "../../app/routes/reset-password.$token.tsx";
import * as settings from "../../app/routes/dashboard.settings.tsx";
import * as users from "../../app/routes/dashboard.admin.users.tsx";
import { setupTestDatabase } from "../support/database.ts";
import {
  createApiKey,
  createCatalogEntry,
  createUser,
  TEST_PASSWORD,
} from "../support/factories.ts";
import { startGatewayHarness, type GatewayHarness } from "../support/gateway-harness.ts";
import { resetLinkIn, startMailCatcher } from "../support/mail-catcher.ts";
import { postCompletion } from "../support/completions.ts";
import { signInApi } from "../../app/api/auth-api.server.ts";

const db = setupTestDatabase();
const BASE = "http://gateway.test";
let harness: GatewayHarness;
let mail: Awaited<ReturnType<typeof startMailCatcher>>;
const prisma = () => getAccounts().prisma;

beforeAll(async () => {
  process.env.DATABASE_URL = db.url;
  process.env.SESSION_SECRET = "accounts-test-secret".padEnd(40, "x");
  mail = await startMailCatcher();
  process.env.SMTP_URL = mail.url;
  harness = await startGatewayHarness(db.url);
  await createCatalogEntry(prisma(), {
    modelSlug: "acct-model",
    usd: { input: "1.00", cachedInput: "0.10", output: "4.00" },
  });
});
afterAll(async () => {
  delete process.env.SMTP_URL;
  await closeGateway();
  await harness.close();
  await mail.close();
  await getAccounts().prisma.$disconnect();
});

type Outcome = { status: number; data: unknown; location: string | null };

/** What a loader or action answered: its status, its data, where it redirects. */
async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  let value: unknown;
  try {
    value = await run();
  } catch (thrown) {
    value = thrown;
  }
  if (value instanceof Response)
    return { status: value.status, data: null, location: value.headers.get("location") };
  const init = (value as { init?: { status?: number } } | null)?.init;
  if (
    value &&
    typeof value === "object" &&
    "type" in value &&
    value.type === "DataWithResponseInit"
  )
    return {
      status: init?.status ?? 200,
      data: (value as unknown as { data: unknown }).data,
      location: null,
    };
  return { status: 200, data: value, location: null };
}

const args = (request: Request, params: Record<string, string> = {}) =>
  ({ request, params, context: {} }) as never;

function post(path: string, fields: Record<string, string>, cookie = "") {
  return new Request(`${BASE}${path}`, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { cookie, "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36" },
  });
}

async function signedIn(user: { id: string }) {
  const header = await startSession(getAccounts(), post("/login", {}), user.id);
  return header.split(";")[0]!;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

async function askForReset(email: string) {
  return outcome(() => forgot.action(args(post("/forgot-password", { email }))));
}

test("a reset link is mailed, stored only as its hash, and the answer is the same for an unknown email", async () => {
  const user = await createUser(prisma());
  const known = await askForReset(user.email);
  const unknownEmail = `nobody-${Date.now()}@example.test`;
  const unknown = await askForReset(unknownEmail);
  expect(known.status).toBe(200);
  // The same answer, but for the email it echoes back into the form.
  const sameBut = (answer: Outcome, email: string) =>
    JSON.stringify(answer).replaceAll(email, "EMAIL");
  expect(sameBut(unknown, unknownEmail)).toBe(sameBut(known, user.email));
  expect(known.data).toMatchObject({ sent: true });

  const link = resetLinkIn(await mail.mailTo(user.email));
  expect(link).toMatch(new RegExp(`^${BASE}/reset-password/[\\w-]{43}$`));
  const token = link.split("/").pop()!;
  const rows = await prisma().passwordResetToken.findMany({ where: { userId: user.id } });
  expect(rows).toHaveLength(1);
  expect(rows[0]!.tokenHash).toBe(sha256(token));
  expect(JSON.stringify(rows)).not.toContain(token);
});

test("the link sets a new password once, signs every session out, and the old password stops working", async () => {
  const user = await createUser(prisma());
  const cookie = await signedIn(user);
  await askForReset(user.email);
  const token = resetLinkIn(await mail.mailTo(user.email))
    .split("/")
    .pop()!;

  expect(
    await reset.loader(args(new Request(`${BASE}/reset-password/${token}`), { token })),
  ).toEqual({ live: true });
  const used = await outcome(() =>
    reset.action(
      args(post(`/reset-password/${token}`, { password: "a brand new password" }), { token }),
    ),
  );
  expect(used).toMatchObject({ status: 302, location: "/login" });
  expect(
    await getSession(getAccounts(), new Request(BASE, { headers: { cookie } })),
  ).toBeUndefined();
  expect(
    (
      await signIn(getAccounts(), post("/login", {}), {
        email: user.email,
        password: TEST_PASSWORD,
      })
    ).ok,
  ).toBe(false);
  expect(
    (
      await signIn(getAccounts(), post("/login", {}), {
        email: user.email,
        password: "a brand new password",
      })
    ).ok,
  ).toBe(true);

  // Single use: the same link again changes nothing.
  const again = await outcome(() =>
    reset.action(
      args(post(`/reset-password/${token}`, { password: "yet another password" }), { token }),
    ),
  );
  expect(again.status).toBe(410);
  expect(JSON.stringify(again.data)).toContain("expired or was used already");
  expect(
    await reset.loader(args(new Request(`${BASE}/reset-password/${token}`), { token })),
  ).toEqual({ live: false });
});

test("an expired link is refused, and a short new password is named at its field", async () => {
  const user = await createUser(prisma());
  await askForReset(user.email);
  const token = resetLinkIn(await mail.mailTo(user.email))
    .split("/")
    .pop()!;
  const short = await outcome(() =>
    reset.action(args(post(`/reset-password/${token}`, { password: "short" }), { token })),
  );
  expect(short.status).toBe(400);
  expect(JSON.stringify(short.data)).toContain("Use at least 10 characters");

  await prisma().passwordResetToken.updateMany({
    where: { userId: user.id },
    data: { expiresAt: new Date(Date.now() - 1000) },
  });
  const late = await outcome(() =>
    reset.action(
      args(post(`/reset-password/${token}`, { password: "a brand new password" }), { token }),
    ),
  );
  expect(late.status).toBe(410);
  expect(
    (
      await signIn(getAccounts(), post("/login", {}), {
        email: user.email,
        password: TEST_PASSWORD,
      })
    ).ok,
  ).toBe(true);
});

test("an inbox gets at most three links an hour", async () => {
  const user = await createUser(prisma());
  for (let i = 0; i < 5; i++) expect((await askForReset(user.email)).status).toBe(200);
  await mail.mailTo(user.email);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(mail.mails.filter((caught) => caught.to.includes(user.email))).toHaveLength(3);
  expect(await prisma().passwordResetToken.count({ where: { userId: user.id } })).toBe(3);
});

test("without SMTP_URL a local start logs the link, and production says reset is not configured", async () => {
  const saved = { smtp: process.env.SMTP_URL, env: process.env.NODE_ENV };
  try {
    delete process.env.SMTP_URL;
    expect(await forgot.loader()).toMatchObject({ delivery: "log" });
    process.env.NODE_ENV = "production";
    expect(await forgot.loader()).toMatchObject({ delivery: "unavailable" });
    const user = await createUser(prisma());
    expect((await askForReset(user.email)).status).toBe(503);
    expect(await prisma().passwordResetToken.count({ where: { userId: user.id } })).toBe(0);
  } finally {
    process.env.SMTP_URL = saved.smtp;
    process.env.NODE_ENV = saved.env;
  }
});

test("settings: changing the password needs the current one and signs the other sessions out", async () => {
  const user = await createUser(prisma());
  const here = await signedIn(user);
  const there = await signedIn(user);
  const wrong = await outcome(() =>
    settings.action(
      args(
        post(
          "/dashboard/settings",
          {
            intent: "password",
            currentPassword: "not it at all",
            newPassword: "a brand new password",
          },
          here,
        ),
      ),
    ),
  );
  expect(wrong.status).toBe(400);
  expect(JSON.stringify(wrong.data)).toContain("This is not your current password");

  const changed = await outcome(() =>
    settings.action(
      args(
        post(
          "/dashboard/settings",
          {
            intent: "password",
            currentPassword: TEST_PASSWORD,
            newPassword: "a brand new password",
          },
          here,
        ),
      ),
    ),
  );
  expect(changed).toMatchObject({ status: 302, location: "/dashboard/settings" });
  const session = (cookie: string) =>
    getSession(getAccounts(), new Request(BASE, { headers: { cookie } }));
  expect(await session(here)).toBeDefined();
  expect(await session(there)).toBeUndefined();
});

test("settings: the email changes with the password, and never to another account's", async () => {
  const user = await createUser(prisma());
  const other = await createUser(prisma());
  const cookie = await signedIn(user);
  const taken = await outcome(() =>
    settings.action(
      args(
        post(
          "/dashboard/settings",
          { intent: "email", email: other.email.toUpperCase(), password: TEST_PASSWORD },
          cookie,
        ),
      ),
    ),
  );
  expect(taken.status).toBe(409);
  expect(JSON.stringify(taken.data)).toContain("Another account has this email");
  const bad = await outcome(() =>
    settings.action(
      args(
        post(
          "/dashboard/settings",
          { intent: "email", email: "not-an-email", password: TEST_PASSWORD },
          cookie,
        ),
      ),
    ),
  );
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.data)).toContain("Enter a valid email address");

  const fresh = `renamed-${Date.now()}@example.test`;
  const moved = await outcome(() =>
    settings.action(
      args(
        post(
          "/dashboard/settings",
          { intent: "email", email: fresh, password: TEST_PASSWORD },
          cookie,
        ),
      ),
    ),
  );
  expect(moved.status).toBe(302);
  expect(
    (await signIn(getAccounts(), post("/login", {}), { email: fresh, password: TEST_PASSWORD })).ok,
  ).toBe(true);
});

test("settings: sessions are listed with their device and revocable, but not another user's", async () => {
  const user = await createUser(prisma());
  const stranger = await createUser(prisma());
  const here = await signedIn(user);
  const there = await signedIn(user);
  const theirs = await signedIn(stranger);
  const page = await settings.loader(
    args(new Request(`${BASE}/dashboard/settings`, { headers: { cookie: here } })),
  );
  expect(page.sessions).toHaveLength(2);
  expect(page.sessions.filter((session) => session.current)).toHaveLength(1);
  expect(page.sessions[0]).toMatchObject({ device: "Chrome on Linux", ip: "unknown" });

  const strangerSession = await getSession(
    getAccounts(),
    new Request(BASE, { headers: { cookie: theirs } }),
  );
  const refused = await outcome(() =>
    settings.action(
      args(post("/dashboard/settings", { intent: "revoke", sessionId: strangerSession!.id }, here)),
    ),
  );
  expect(refused.status).toBe(404);
  expect(
    await getSession(getAccounts(), new Request(BASE, { headers: { cookie: theirs } })),
  ).toBeDefined();

  const other = page.sessions.find((session) => !session.current)!;
  expect(
    (
      await outcome(() =>
        settings.action(
          args(post("/dashboard/settings", { intent: "revoke", sessionId: other.id }, here)),
        ),
      )
    ).status,
  ).toBe(302);
  expect(
    await getSession(getAccounts(), new Request(BASE, { headers: { cookie: there } })),
  ).toBeUndefined();

  const third = await signedIn(user);
  await outcome(() =>
    settings.action(args(post("/dashboard/settings", { intent: "revoke-others" }, here))),
  );
  expect(
    await getSession(getAccounts(), new Request(BASE, { headers: { cookie: third } })),
  ).toBeUndefined();
  expect(
    await getSession(getAccounts(), new Request(BASE, { headers: { cookie: here } })),
  ).toBeDefined();
});

test("admin: a disabled user is signed out, cannot sign in, and their API key stops working at once", async () => {
  const admin = await createUser(prisma(), { role: "ADMIN" });
  const adminCookie = await signedIn(admin);
  const user = await createUser(prisma(), { credits: 100 });
  const userCookie = await signedIn(user);
  const { secret } = await createApiKey(prisma(), user.id);
  const client = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
  const ask = () =>
    client.chat.completions.create({
      model: "acct-model",
      messages: [{ role: "user", content: "Hi" }],
      max_completion_tokens: 10,
    });
  await ask(); // the key is cached now

  const disabled = await outcome(() =>
    users.action(
      args(post("/dashboard/admin/users", { intent: "disable", userId: user.id }, adminCookie)),
    ),
  );
  expect(disabled.status).toBe(302);
  expect(
    await getSession(getAccounts(), new Request(BASE, { headers: { cookie: userCookie } })),
  ).toBeUndefined();
  const attempt = await signIn(getAccounts(), post("/login", {}), {
    email: user.email,
    password: TEST_PASSWORD,
  });
  expect(attempt).toMatchObject({ ok: false, reason: "disabled" });
  // The JSON API says the same, with its own status and code.
  const api = await signInApi(
    getAccounts(),
    new Request(`${BASE}/api/auth/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: user.email, password: TEST_PASSWORD }),
    }),
  );
  expect(api.status).toBe(403);
  expect(await api.json()).toMatchObject({ error: { code: "account_disabled" } });
  await expect
    .poll(
      () =>
        ask().then(
          () => 200,
          (error: { status: number }) => error.status,
        ),
      { timeout: 3000 },
    )
    .toBe(401);

  // A disabled user asks for a reset link in vain.
  await askForReset(user.email);
  expect(await prisma().passwordResetToken.count({ where: { userId: user.id } })).toBe(0);

  await outcome(() =>
    users.action(
      args(post("/dashboard/admin/users", { intent: "enable", userId: user.id }, adminCookie)),
    ),
  );
  expect(
    (
      await signIn(getAccounts(), post("/login", {}), {
        email: user.email,
        password: TEST_PASSWORD,
      })
    ).ok,
  ).toBe(true);
  await expect
    .poll(
      () =>
        ask().then(
          () => 200,
          (error: { status: number }) => error.status,
        ),
      { timeout: 3000 },
    )
    .toBe(200);
});

test("admin: a stream running when its user is disabled ends then, billed for what it produced", async () => {
  const admin = await createUser(prisma(), { role: "ADMIN" });
  const adminCookie = await signedIn(admin);
  const user = await createUser(prisma(), { credits: 100 });
  const { secret, apiKey } = await createApiKey(prisma(), user.id);
  // Forty chunks, 150 ms apart: six seconds if nothing stops them.
  const chunks = Array.from({ length: 40 }, (_, i) => `w${i} `);
  harness.fakes.openai.scripts.enqueue("acct-model", { chunks, chunkDelayMs: 150 });
  const response = await postCompletion(harness.baseUrl, secret, {
    model: "acct-model",
    stream: true,
    max_completion_tokens: 100,
  });
  expect(response.status).toBe(200);
  const body = response.text();
  await new Promise((resolve) => setTimeout(resolve, 500));
  await outcome(() =>
    users.action(
      args(post("/dashboard/admin/users", { intent: "disable", userId: user.id }, adminCookie)),
    ),
  );
  const text = await body;
  expect(text).toContain('"content":"w0 "');
  expect(text).not.toContain('"content":"w39 "');
  expect(text).toMatch(/"code":"key_revoked"/);
  await expect
    .poll(() => prisma().conversation.findMany({ where: { apiKeyId: apiKey.id } }))
    .toHaveLength(1);
  const [row] = await prisma().conversation.findMany({ where: { apiKeyId: apiKey.id } });
  expect(row).toMatchObject({ status: "ERROR", errorCode: "key_revoked" });
  expect(row!.cost).toBeGreaterThan(0n);
});

test("admin: the last admin who can sign in keeps the role, and nobody disables themselves", async () => {
  // Every other admin of this database out of the way: this one is the last.
  await prisma().user.updateMany({ where: { role: "ADMIN" }, data: { role: "USER" } });
  const admin = await createUser(prisma(), { role: "ADMIN" });
  const cookie = await signedIn(admin);
  const change = (intent: string, userId: string) =>
    outcome(() => users.action(args(post("/dashboard/admin/users", { intent, userId }, cookie))));

  const demoted = await change("remove-admin", admin.id);
  expect(demoted.status).toBe(409);
  expect(JSON.stringify(demoted.data)).toContain("is the only admin who can sign in");
  expect((await change("disable", admin.id)).status).toBe(409);

  const second = await createUser(prisma());
  expect((await change("make-admin", second.id)).status).toBe(302);
  expect((await change("remove-admin", admin.id)).status).toBe(302);
  expect((await prisma().user.findUniqueOrThrow({ where: { id: admin.id } })).role).toBe("USER");
});

test("admin: users are found by email, credits are granted through the ledger, and the audit log names people", async () => {
  const admin = await createUser(prisma(), { role: "ADMIN" });
  const cookie = await signedIn(admin);
  const user = await createUser(prisma(), { email: `findme-${Date.now()}@example.test` });
  const page = await users.loader(
    args(new Request(`${BASE}/dashboard/admin/users?q=FINDME`, { headers: { cookie } })),
  );
  expect(page.users.map((found) => found.email)).toEqual([user.email]);

  const loaded = await users.loader(
    args(new Request(`${BASE}/dashboard/admin/users?grant=${user.id}`, { headers: { cookie } })),
  );
  const grant = {
    intent: "grant",
    userId: user.id,
    token: loaded.grantToken,
    credits: "250",
    note: "support refund",
  };
  const noReason = await outcome(() =>
    users.action(args(post("/dashboard/admin/users", { ...grant, note: " " }, cookie))),
  );
  expect(noReason.status).toBe(400);
  expect(JSON.stringify(noReason.data)).toContain("Say why");
  expect(
    (await outcome(() => users.action(args(post("/dashboard/admin/users", grant, cookie))))).status,
  ).toBe(302);
  expect(
    (await outcome(() => users.action(args(post("/dashboard/admin/users", grant, cookie))))).status,
  ).toBe(302);
  const credited = await prisma().onrampTransaction.findMany({ where: { userId: user.id } });
  expect(credited).toMatchObject([
    { source: "GRANT", note: "support refund", grantedBy: admin.id, amount: 250_000_000n },
  ]);
  expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).balance).toBe(
    250_000_000n,
  );

  const events = await recentAuditEvents(prisma());
  const granted = events.find(
    (event) => event.action === "credits_granted" && event.subjectId === user.id,
  );
  expect(granted).toMatchObject({ actor: admin.email, subject: user.email });
});

test("admin: a reset link made for someone works once, is audited, and is refused for a disabled user or a non-admin", async () => {
  const admin = await createUser(prisma(), { role: "ADMIN" });
  const cookie = await signedIn(admin);
  const user = await createUser(prisma());
  const made = (userId: string, as = cookie) =>
    outcome(() =>
      users.action(args(post("/dashboard/admin/users", { intent: "reset-link", userId }, as))),
    );

  const answer = await made(user.id);
  const { link, email } = (answer.data as { resetLink: { link: string; email: string } }).resetLink;
  expect(email).toBe(user.email);
  expect(link).toMatch(new RegExp(`^${BASE}/reset-password/[\\w-]{43}$`));
  const token = link.split("/").pop()!;
  const [row] = await prisma().passwordResetToken.findMany({ where: { userId: user.id } });
  expect(row!.tokenHash).toBe(sha256(token));
  const used = await outcome(() =>
    reset.action(
      args(post(`/reset-password/${token}`, { password: "chosen after a call" }), { token }),
    ),
  );
  expect(used).toMatchObject({ status: 302, location: "/login" });
  expect(
    (
      await signIn(getAccounts(), post("/login", {}), {
        email: user.email,
        password: "chosen after a call",
      })
    ).ok,
  ).toBe(true);
  const audited = await prisma().auditEvent.findFirstOrThrow({
    where: { action: "password_reset_link_made", subject: user.id },
  });
  expect(audited.actorId).toBe(admin.id);

  // Not for a disabled user, and not for someone who is not an admin.
  await prisma().user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
  expect((await made(user.id)).status).toBe(404);
  const someone = await createUser(prisma());
  expect((await made(someone.id, await signedIn(someone))).status).toBe(403);
  expect(await prisma().passwordResetToken.count({ where: { userId: someone.id } })).toBe(0);
});
