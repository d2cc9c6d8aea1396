// The hot path's work, counted in a gateway process of the production build:
// queries and parsed statements (its /metrics counters), writes to the
// client's socket and modules loaded (tests/performance/process-probe.mjs).
// Counts, not timings: they do not flake, and any extra query per request
// fails. The budget is in hot-path-budget.ts; timings are for `npm run bench`.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { setupGatewayProcesses } from "../support/setup-gateway.ts";
import { HEAP_FLAGS } from "../../app/server/heap-flags.server.ts";
import { HOT_PATH_BUDGET as BUDGET } from "./hot-path-budget.ts";

const METRICS_TOKEN = "hot-path-budget-0123456789";
const MODEL = "budget-model";
const BATCH = 40;
const PROBE_FILE = join(mkdtempSync(join(tmpdir(), "hot-path-")), "probe.json");
const PROBE = join(import.meta.dirname, "process-probe.mjs");

const { prisma, fake, gateway } = setupGatewayProcesses({
  prepare: (prisma) => createCatalogEntry(prisma, { modelSlug: MODEL }),
  env: (fake) => ({
    OPENAI_API_KEY: "sk-fake",
    OPENAI_BASE_URL: fake.baseUrl,
    LOG_LEVEL: "warn",
    METRICS_TOKEN,
    PROBE_FILE,
    NODE_OPTIONS: `--import=${PROBE}`,
  }),
  stopCleanly: true,
  checkLedger: true,
});

async function databaseWork() {
  const text = await fetch(`${gateway.baseUrl}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  }).then((response) => response.text());
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)`, "m").exec(text)?.[1] ?? 0);
  return {
    queries: read("gateway_db_queries_total"),
    parsed: read("gateway_db_statements_parsed_total"),
  };
}

/** What the probe in the gateway process saw so far. */
async function probe(): Promise<{ modules: string[]; clientWrites: number }> {
  rmSync(PROBE_FILE, { force: true });
  gateway.child.kill("SIGUSR2");
  for (let i = 0; i < 100 && !existsSync(PROBE_FILE); i++)
    await new Promise((resolve) => setTimeout(resolve, 20));
  return JSON.parse(readFileSync(PROBE_FILE, "utf8"));
}

/** One chat completion; for a stream, the number of SSE events it got. */
async function complete(secret: string, stream: boolean) {
  const response = await fetch(`${gateway.baseUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({
      model: MODEL,
      stream,
      max_tokens: 200,
      messages: [{ role: "user", content: "Say hello in one short sentence." }],
    }),
  });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return stream ? text.split("\n").filter((line) => line.startsWith("data: ")).length : 0;
}

/** The queries and parsed statements of `run`, per request of its `requests`. */
async function perRequest(requests: number, run: () => Promise<unknown>) {
  const before = await databaseWork();
  await run();
  const after = await databaseWork();
  return {
    queries: (after.queries - before.queries) / requests,
    parsed: (after.parsed - before.parsed) / requests,
  };
}

const allowance = (perRequest: number) => perRequest + BUDGET.backgroundQueries / BATCH;

test("a chat completion stays within the hot path's budget of queries, writes and modules", async () => {
  const user = await createUser(prisma, { credits: 100 });
  const { secret } = await createApiKey(prisma, user.id);
  fake.scripts.defaultScript = { chunks: Array.from({ length: 20 }, (_, i) => `word${i} `) };
  const loadedAtStart = (await probe()).modules.length;

  // Warm: the key cached, the instance's hold for it created.
  for (let i = 0; i < 3; i++) await complete(secret, false);

  const lone = await perRequest(BATCH, async () => {
    for (let i = 0; i < BATCH; i++) await complete(secret, false);
  });
  const writesBefore = (await probe()).clientWrites;
  let events = 0;
  const loneStreamed = await perRequest(BATCH, async () => {
    for (let i = 0; i < BATCH; i++) events += await complete(secret, true);
  });
  const { clientWrites, modules } = await probe();
  const concurrent = await perRequest(BATCH, () =>
    Promise.all(Array.from({ length: BATCH }, (_, i) => complete(secret, i % 2 === 0))),
  );
  const loadedWhileServing = (await probe()).modules.slice(loadedAtStart);

  const counted = {
    lone,
    loneStreamed,
    concurrent,
    clientWritesPerStreamedEvent: (clientWrites - writesBefore) / events,
    loadedWhileServing,
  };
  console.log("hot path, counted:", JSON.stringify(counted));
  expect(events).toBeGreaterThanOrEqual(BATCH * 20); // the streams did carry the chunks
  expect(loadedAtStart).toBeGreaterThan(10); // the probe does see modules load
  expect(modules.length).toBeGreaterThanOrEqual(loadedAtStart);
  expect(lone.queries).toBeLessThanOrEqual(allowance(BUDGET.loneQueriesPerRequest));
  expect(loneStreamed.queries).toBeLessThanOrEqual(allowance(BUDGET.loneQueriesPerRequest));
  expect(lone.parsed).toBeLessThanOrEqual(allowance(BUDGET.loneParsedPerRequest));
  expect(loneStreamed.parsed).toBeLessThanOrEqual(allowance(BUDGET.loneParsedPerRequest));
  expect(concurrent.queries).toBeLessThanOrEqual(allowance(BUDGET.concurrentQueriesPerRequest));
  expect(counted.clientWritesPerStreamedEvent).toBeLessThanOrEqual(
    BUDGET.clientWritesPerStreamedEvent,
  );
  expect(loadedWhileServing).toHaveLength(BUDGET.modulesLoadedWhileServing);
  // The entry restarted itself with the heap flags (ADR 058), keeping its PID.
  const commandLine = readFileSync(`/proc/${gateway.child.pid}/cmdline`, "utf8").split("\0");
  expect(commandLine).toEqual(expect.arrayContaining(HEAP_FLAGS));
});
