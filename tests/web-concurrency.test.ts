// WEB_CONCURRENCY=2 (ADR 057): one gateway process, the primary, on the embedded
// PostgreSQL, with two workers serving its port. It stops gently with all of them,
// replaces a worker that dies, and refuses a port another process holds.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, afterAll, expect, test } from "vitest";
import type { FakeProvider } from "#scripts/fake-providers/fake-server.ts";
import { startFakeOpenAI } from "#scripts/fake-providers/openai.ts";
import { createPrismaClient } from "../app/db/prisma.server.ts";
import { isAlive, readPid } from "../app/server/data-dir-lock.server.ts";
import { postCompletion } from "./support/completions.ts";
import { createApiKey, createUser } from "./support/factories.ts";
import {
  freePort,
  spawnGateway,
  startGateway,
  type GatewayProcess,
} from "./support/gateway-process.ts";

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake.close());

const running: GatewayProcess[] = [];
// A gentle stop, so that a failed test does not leave an embedded PostgreSQL running.
afterEach(async () => {
  await Promise.all(running.splice(0).map((gateway) => gateway.stop("SIGTERM")));
});

async function startWithTwoWorkers(dataDir: string) {
  const gateway = await startGateway({
    WEB_CONCURRENCY: "2",
    DATA_DIR: dataDir,
    OPENAI_API_KEY: "sk-fake",
    OPENAI_BASE_URL: fake.baseUrl,
  });
  running.push(gateway);
  await waitFor(() => gateway.messages().includes("2 workers serving"));
  return gateway;
}

/** The pids of the workers, from the primary's line that says they serve. */
function workerPids(gateway: GatewayProcess) {
  const line = gateway.logLines().find((each) => each.msg.includes("workers serving"));
  return line!.pids as number[];
}

/** A customer on the gateway's own embedded database (its URL is in DATA_DIR). */
async function customerOn(dataDir: string) {
  const pgdata = join(dataDir, "postgres");
  const port = readFileSync(join(pgdata, "postmaster.pid"), "utf8").split("\n")[3]!.trim();
  const password = readFileSync(join(dataDir, "postgres-password"), "utf8").trim();
  const prisma = createPrismaClient(`postgresql://postgres:${password}@127.0.0.1:${port}/gateway`);
  try {
    const user = await createUser(prisma, { credits: 50 });
    return (await createApiKey(prisma, user.id)).secret;
  } finally {
    await prisma.$disconnect();
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 15_000) {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test("SIGTERM to the primary: a running stream completes, every process exits 0, PostgreSQL stops", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "gateway-workers-"));
  const gateway = await startWithTwoWorkers(dataDir);
  const workers = workerPids(gateway);
  expect(workers).toHaveLength(2);
  const postgresPid = readPid(join(dataDir, "postgres", "postmaster.pid"));
  const secret = await customerOn(dataDir);
  fake.scripts.defaultScript = {
    chunks: Array.from({ length: 30 }, (_, i) => `c${i} `),
    chunkDelayMs: 50,
  };

  const response = await postCompletion(gateway.baseUrl, secret, {
    model: "gpt-6.2-astra",
    stream: true,
    max_completion_tokens: 1000,
  });
  expect(response.status).toBe(200);
  const body = response.text();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const exited = gateway.stop("SIGTERM");

  const text = await body;
  expect(text).toContain('"content":"c29 "'); // the whole answer, within the grace period
  expect(text).not.toContain("server_shutting_down");
  expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
  expect(await exited).toBe(0); // the primary exits 0 only when every worker did
  expect(gateway.messages()).not.toContain("did not exit cleanly");
  expect(gateway.messages().match(/^stopped$/gm)).toHaveLength(3); // two workers, then the primary
  for (const pid of [...workers, postgresPid!]) expect(isAlive(pid)).toBe(false);
  expect(existsSync(join(dataDir, "gateway.pid"))).toBe(false);
});

test("a worker that dies is replaced, and the gateway serves on", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "gateway-workers-"));
  const gateway = await startWithTwoWorkers(dataDir);
  const [first] = workerPids(gateway);
  process.kill(first!, "SIGKILL");

  await waitFor(() => gateway.messages().includes("a worker exited unexpectedly: restarting it"));
  const restart = gateway.logLines().find((line) => line.msg.startsWith("a worker exited"))!;
  expect(restart).toMatchObject({ pid: first, signal: "SIGKILL", restartInMs: 1000 });
  // The new worker (the third forked) says it is ready.
  await waitFor(() =>
    gateway.logLines().some((line) => line.worker === 3 && line.msg.startsWith("Gateway ready")),
  );
  for (let i = 0; i < 10; i++) expect((await fetch(`${gateway.baseUrl}/readyz`)).status).toBe(200);
  expect(await gateway.stop("SIGTERM")).toBe(0);
});

test("a port another process holds stops the start with exit 1, and PostgreSQL with it", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "gateway-workers-"));
  const port = await freePort();
  const holder = createServer().listen(port, "127.0.0.1");
  try {
    const gateway = spawnGateway({ WEB_CONCURRENCY: "2", DATA_DIR: dataDir, PORT: String(port) });
    expect(await gateway.exited).toBe(1);
    expect(gateway.messages()).toContain(`Port ${port} is already in use`);
    expect(gateway.messages()).not.toContain("workers serving");
    const postgresPid = readPid(join(dataDir, "postgres", "postmaster.pid"));
    expect(postgresPid && isAlive(postgresPid)).toBeFalsy();
    expect(existsSync(join(dataDir, "gateway.pid"))).toBe(false);
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
});
