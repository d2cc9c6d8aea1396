// A production start as the Docker image and Fly make it (NODE_ENV=production,
// DATABASE_URL, the process run from the build): its traps each end in one
// clear line, and a start before the migrations recovers by itself.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import type { FakeProvider } from "#scripts/fake-providers/fake-server.ts";
import { startFakeAnthropic } from "#scripts/fake-providers/anthropic.ts";
import { startFakeGemini } from "#scripts/fake-providers/gemini.ts";
import { startFakeOpenAI } from "#scripts/fake-providers/openai.ts";
import { createPrismaClient } from "../app/db/prisma.server.ts";
import { createTestDatabase, dropTestDatabase, type TestDatabase } from "./support/database.ts";
import { createApiKey, createUser } from "./support/factories.ts";
import {
  freePort,
  runScript,
  spawnGateway,
  startGateway,
  stopCleanly,
  type GatewayProcess,
} from "./support/gateway-process.ts";

const SESSION_SECRET = "s".repeat(40);
let fakes: { openai: FakeProvider; anthropic: FakeProvider; google: FakeProvider };
const databases: TestDatabase[] = [];
const running: GatewayProcess[] = [];

beforeAll(async () => {
  const [openai, anthropic, google] = await Promise.all([
    startFakeOpenAI(),
    startFakeAnthropic(),
    startFakeGemini(),
  ]);
  fakes = { openai, anthropic, google };
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((gateway) => gateway.stop()));
});
afterAll(async () => {
  await Promise.all(databases.map(dropTestDatabase));
  await Promise.all(Object.values(fakes).map((fake) => fake.close()));
});

async function freshDatabase() {
  const db = await createTestDatabase({ migrated: false });
  databases.push(db);
  return db;
}

/** What fly.toml and the README's `docker run` give the image, plus the three providers. */
const production = (db: TestDatabase, more: Record<string, string> = {}) => ({
  NODE_ENV: "production",
  DATABASE_URL: db.url,
  SESSION_SECRET,
  OPENAI_API_KEY: "sk-fake",
  OPENAI_BASE_URL: fakes.openai.baseUrl,
  ANTHROPIC_API_KEY: "sk-ant-fake",
  ANTHROPIC_BASE_URL: fakes.anthropic.baseUrl,
  GEMINI_API_KEY: "gemini-fake",
  GEMINI_BASE_URL: fakes.google.baseUrl,
  DATA_DIR: mkdtempSync(join(tmpdir(), "gw-production-")),
  ...more,
});

async function start(env: Record<string, string>) {
  const gateway = await startGateway(env);
  running.push(gateway);
  return gateway;
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const noStackTrace = (output: string) => expect(output).not.toMatch(/\n\s+at /);

describe("started before its migrations", () => {
  test("says what to run, answers 503, and serves all three providers once the release command ran, without a restart", async () => {
    const db = await freshDatabase();
    const gateway = await start(production(db));

    const warning = gateway.logLines().find((line) => line.level === 40);
    expect(warning?.msg).toContain("The database is not ready for this version");
    expect(warning?.msg).toContain("run `npm run db:migrate`");
    // /healthz can answer before the listening line has come through the child's stdout.
    const listening =
      "Gateway listening, not serving until the database is migrated: dashboard and API at";
    expect(
      await until(
        async () => gateway.messages(),
        (messages) => messages.includes(listening),
      ),
    ).toContain(listening);
    const ready = await fetch(`${gateway.baseUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "not ready", reason: "database is not migrated" });
    const api = await fetch(`${gateway.baseUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-anything" },
      body: "{}",
    });
    expect(api.status).toBe(503);
    expect(api.headers.get("retry-after")).toBe("5");
    expect((await api.json()).error).toMatchObject({ code: "not_ready", type: "server_error" });
    const page = await fetch(`${gateway.baseUrl}/dashboard`, { headers: { accept: "text/html" } });
    expect(page.status).toBe(503);
    expect(await page.text()).toContain("database is not migrated");

    // fly.toml's release command, with only what Fly gives it: DATABASE_URL (and NODE_ENV).
    const migrated = await runScript("scripts/migrate.ts", {
      NODE_ENV: "production",
      DATABASE_URL: db.url,
    });
    expect(migrated.output).toContain("Applied 20261127000000_init");
    expect(migrated.code).toBe(0);

    const after = await until(
      () => fetch(`${gateway.baseUrl}/readyz`).then((response) => response.status),
      (status) => status === 200,
    );
    expect(after).toBe(200);
    const serving = "the database is migrated: serving";
    expect(
      await until(
        async () => gateway.messages(),
        (messages) => messages.includes(serving),
      ),
    ).toContain(serving);

    const prisma = createPrismaClient(db.url);
    try {
      const user = await createUser(prisma, { credits: 10 });
      const { secret } = await createApiKey(prisma, user.id);
      const client = new OpenAI({
        apiKey: secret,
        baseURL: `${gateway.baseUrl}/v1`,
        maxRetries: 0,
      });
      // The provider keys from the environment were written once the tables existed,
      // and each provider's SDK runs from the build.
      for (const model of ["gpt-6.2-sol", "claude-sonnet-5-5", "gemini-4-neon"]) {
        const completion = await client.chat.completions.create({
          model,
          max_tokens: 20,
          messages: [{ role: "user", content: "Hi" }],
        });
        expect(completion.choices[0]!.message.content).toBe("Hello from the fake provider.");
        const stream = await client.chat.completions.create({
          model,
          max_tokens: 20,
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: "user", content: "Hi" }],
        });
        let text = "";
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
        expect(text).toBe("Hello from the fake provider.");
      }
      expect(await prisma.conversation.count({ where: { userId: user.id } })).toBe(6);
    } finally {
      await prisma.$disconnect();
    }
    await stopCleanly(gateway, "SIGINT");
    gateway.logLines(); // every line is JSON
    noStackTrace(gateway.output());
  });

  test("Ctrl-C while it waits ends it cleanly: JSON lines, exit 0", async () => {
    const db = await freshDatabase();
    const gateway = await start(production(db));
    expect((await fetch(`${gateway.baseUrl}/readyz`)).status).toBe(503);
    await stopCleanly(gateway, "SIGINT");
    expect(gateway.messages()).toMatch(/stopped$/);
    expect(gateway.logLines().filter((line) => line.level >= 50)).toEqual([]);
    noStackTrace(gateway.output());
  });
});

describe("a database that cannot be used stops the start with one line naming where and why", () => {
  test.each([
    {
      name: "a wrong password",
      url: (db: TestDatabase) => db.url.replace(/:[^:@/]+@/, ":wrong-password@"),
      cause: /password authentication failed for user "postgres"/,
    },
    {
      name: "a database that does not exist",
      url: (db: TestDatabase) => db.url.replace(/\/[^/]+$/, "/no_such_database"),
      cause: /database "no_such_database" does not exist/,
    },
    {
      name: "nothing listening",
      url: async () => `postgres://gateway:pw@127.0.0.1:${await freePort()}/gateway`,
      cause: /connection refused \(is PostgreSQL running and listening there\?\)/,
    },
    {
      name: "a host that does not resolve",
      url: () => "postgres://gateway:pw@db.invalid:5432/gateway",
      cause: /the host name does not resolve/,
    },
  ])("$name", async ({ url, cause }) => {
    const db = await freshDatabase();
    const databaseUrl = await url(db);
    const { hostname, port } = new URL(databaseUrl);
    for (const run of [
      spawnGateway(production(db, { DATABASE_URL: databaseUrl, PORT: String(await freePort()) })),
      // The release command says the same.
      await runScript("scripts/migrate.ts", { NODE_ENV: "production", DATABASE_URL: databaseUrl }),
    ]) {
      const code = "code" in run ? run.code : await run.exited;
      const output = "code" in run ? run.output : run.output();
      expect(code).toBe(1);
      const lines = output.trim().split("\n");
      expect(lines).toHaveLength(1);
      const { msg } = JSON.parse(lines[0]!) as { msg: string };
      expect(msg).toContain(
        `Cannot connect to the database at ${hostname}:${port} (DATABASE_URL): `,
      );
      expect(msg).toMatch(cause);
      expect(msg.length).toBeLessThan(300);
      expect(output).not.toContain("pw@"); // no password
    }
  });
});

describe("ENCRYPTION_KEY in production", () => {
  test("unset: a warning says what SESSION_SECRET then protects; setting it later re-encrypts the stored keys, nothing else needed", async () => {
    const db = await freshDatabase();
    const withoutKey = production(db, { ENCRYPTION_KEY: "", MIGRATE_ON_START: "true" });
    const first = await start(withoutKey);
    expect(first.messages()).toContain(
      "ENCRYPTION_KEY is not set: the provider keys stored in the database are encrypted with a key derived from SESSION_SECRET",
    );
    await stopCleanly(first);

    const withKey = await start({ ...withoutKey, ENCRYPTION_KEY: "e4".repeat(32) });
    expect(withKey.messages()).toContain(
      "provider keys re-encrypted with the current ENCRYPTION_KEY",
    );
    expect(withKey.messages()).not.toContain("ENCRYPTION_KEY is not set");
    await stopCleanly(withKey);

    // Now SESSION_SECRET may change: the keys no longer depend on it.
    const rotated = await start({
      ...withoutKey,
      ENCRYPTION_KEY: "e4".repeat(32),
      SESSION_SECRET: "t".repeat(40),
    });
    expect((await fetch(`${rotated.baseUrl}/readyz`)).status).toBe(200);
    await stopCleanly(rotated);
  });

  test("unset, and SESSION_SECRET changed since: the start stops naming the cause and the way out", async () => {
    const db = await freshDatabase();
    const withoutKey = production(db, { ENCRYPTION_KEY: "", MIGRATE_ON_START: "true" });
    await stopCleanly(await start(withoutKey));

    const changed = spawnGateway({
      ...withoutKey,
      SESSION_SECRET: "t".repeat(40),
      PORT: String(await freePort()),
    });
    expect(await changed.exited).toBe(1);
    const fatal = changed.logLines().find((line) => line.level === 60);
    expect(fatal?.msg).toMatch(
      /^3 stored provider key\(s\) \(openai, anthropic, google\) cannot be decrypted: ENCRYPTION_KEY is not set, so their key comes from SESSION_SECRET, which has changed since they were stored\. Start once with the previous SESSION_SECRET and ENCRYPTION_KEY set/,
    );
    expect(changed.output()).not.toContain("sk-fake");
    noStackTrace(changed.output());
  });
});
