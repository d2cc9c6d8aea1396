// The real process, started the way `npm start` starts it (after the build).
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { isAlive, readPid } from "../app/server/data-dir-lock.server.ts";
import { createTestDatabase, dropTestDatabase } from "./support/database.ts";
import {
  freePort,
  spawnGateway,
  startGateway,
  stopCleanly,
  type GatewayProcess,
} from "./support/gateway-process.ts";

const running: GatewayProcess[] = [];
// A gentle stop, so that a failed test does not leave an embedded PostgreSQL running.
afterEach(async () => {
  await Promise.all(running.splice(0).map((gateway) => gateway.stop("SIGTERM")));
});

async function start(env: Record<string, string>) {
  const gateway = await startGateway(env);
  running.push(gateway);
  return gateway;
}

const tempDataDir = () => mkdtempSync(join(tmpdir(), "gateway-data-"));

describe("with DATABASE_URL", () => {
  test("uses that database: migrates and seeds it when asked, serves the app, starts no embedded one", async () => {
    const db = await createTestDatabase({ migrated: false });
    const dataDir = tempDataDir();
    try {
      const gateway = await start({
        DATABASE_URL: db.url,
        MIGRATE_ON_START: "true",
        DATA_DIR: dataDir,
      });
      expect(gateway.messages()).toMatch(
        /database: PostgreSQL at 127\.0\.0\.1:\d+\/test_\w+ \(DATABASE_URL\)/,
      );
      expect(gateway.output()).not.toContain(db.url); // no password in logs

      const ready = await fetch(`${gateway.baseUrl}/readyz`);
      expect(ready.status).toBe(200);
      const landing = await fetch(`${gateway.baseUrl}/`);
      expect(landing.status).toBe(200);
      const html = await landing.text();
      expect(html).toContain("One API key for OpenAI, Claude and Gemini");
      expect(html).toContain('href="/login"');
      expect(html).toContain(`baseURL: &quot;${gateway.baseUrl}/v1&quot;`);
      expect((await fetch(`${gateway.baseUrl}/no-such-page`)).status).toBe(404);

      const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM models");
      expect(rows[0].n).toBeGreaterThanOrEqual(12);
      expect(existsSync(join(dataDir, "postgres"))).toBe(false);

      await stopCleanly(gateway, "SIGTERM");
    } finally {
      await dropTestDatabase(db);
    }
  });

  test("does not migrate an external database unless asked, and reports not ready", async () => {
    const db = await createTestDatabase({ migrated: false });
    try {
      const gateway = await start({ DATABASE_URL: db.url, DATA_DIR: tempDataDir() });
      const ready = await fetch(`${gateway.baseUrl}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({
        status: "not ready",
        reason: "database is not migrated",
      });
      await gateway.stop();
    } finally {
      await dropTestDatabase(db);
    }
  });
});

describe("with the embedded database", () => {
  test("creates it on first start, reuses it after a restart, and refuses a second instance", async () => {
    const dataDir = tempDataDir();
    const first = await start({ DATA_DIR: dataDir });
    expect(first.messages()).toContain("creating the embedded PostgreSQL cluster");
    expect(first.messages()).toContain("applied migrations");
    expect(first.messages()).toContain(
      `database: embedded PostgreSQL 18, data in ${join(dataDir, "postgres")}`,
    );
    expect((await fetch(`${first.baseUrl}/readyz`)).status).toBe(200);
    const secret = readFileSync(join(dataDir, "session-secret"), "utf8");

    const second = spawnGateway({ DATA_DIR: dataDir, PORT: String(await freePort()) });
    expect(await second.exited).toBe(1);
    expect(second.messages()).toContain(
      `Another gateway (pid ${first.child.pid}) is already running on ${dataDir}`,
    );
    expect(second.output()).not.toMatch(/\n\s+at /); // a message, not a stack trace

    const postgresPid = readPid(join(dataDir, "postgres", "postmaster.pid"));
    await stopCleanly(first, "SIGINT");
    expect(postgresPid && isAlive(postgresPid)).toBe(false);
    expect(existsSync(join(dataDir, "gateway.pid"))).toBe(false);

    const restarted = await start({ DATA_DIR: dataDir });
    expect(restarted.messages()).not.toContain("creating the embedded PostgreSQL cluster");
    expect(restarted.messages()).not.toContain("applied migrations");
    expect((await fetch(`${restarted.baseUrl}/readyz`)).status).toBe(200);
    expect(readFileSync(join(dataDir, "session-secret"), "utf8")).toBe(secret);
    await stopCleanly(restarted);
  });

  test("recovers after the gateway was killed: stops the orphaned PostgreSQL and starts again", async () => {
    const dataDir = tempDataDir();
    const crashed = await start({ DATA_DIR: dataDir });
    const orphanPid = readPid(join(dataDir, "postgres", "postmaster.pid"));
    await crashed.stop("SIGKILL");
    expect(orphanPid && isAlive(orphanPid)).toBe(true);

    const recovered = await start({ DATA_DIR: dataDir });
    expect(recovered.messages()).toContain(
      "stopping a PostgreSQL left running by an earlier gateway",
    );
    expect(orphanPid && isAlive(orphanPid)).toBe(false);
    expect((await fetch(`${recovered.baseUrl}/readyz`)).status).toBe(200);
    await stopCleanly(recovered);
  });
});

describe("bad configuration", () => {
  test("stops with one line per bad variable and exit code 1", async () => {
    const gateway = spawnGateway({
      PORT: "eighty",
      OPENAI_BASE_URL: "localhost:9000",
      DATA_DIR: tempDataDir(),
    });
    expect(await gateway.exited).toBe(1);
    const [line, ...more] = gateway.logLines();
    expect(more).toEqual([]);
    expect(line).toMatchObject({ level: 60 });
    expect(line!.problems).toEqual([
      'PORT must be a number (got "eighty")',
      'OPENAI_BASE_URL must be an http(s) URL (got "localhost:9000")',
    ]);
    expect(gateway.output()).not.toMatch(/\n\s+at /);
  });

  test("production without SESSION_SECRET is refused", async () => {
    const gateway = spawnGateway({ NODE_ENV: "production", DATA_DIR: tempDataDir() });
    expect(await gateway.exited).toBe(1);
    expect(gateway.messages()).toContain("SESSION_SECRET is required when NODE_ENV=production");
  });
});
