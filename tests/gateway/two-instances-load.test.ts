// 1,000 requests at once on two gateway instances sharing one PostgreSQL, from
// one account whose balance covers about a hundred of them: streams and JSON,
// clients that leave, a provider that fails. Whatever the mix, the balance never
// dips below zero, nothing is served beyond it, and the ledger balances. The
// two instances are two gateway processes, or the two workers of one process
// (WEB_CONCURRENCY=2, ADR 057).
import { describe, expect, test } from "vitest";
import { inputTokensUpperBound } from "../../app/llm/input-estimate.ts";
import { costOfTokens, creditsToMicro, usdToMicro } from "../../app/utils/money.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { setupGatewayProcesses } from "../support/setup-gateway.ts";
import { ledgerTotals } from "../support/ledger-totals.ts";
import { postCompletion } from "../support/completions.ts";

describe.each([
  { setup: "two gateway processes", instances: 2, workers: 1 },
  { setup: "one gateway process with WEB_CONCURRENCY=2", instances: 1, workers: 2 },
])("$setup", ({ setup, instances, workers }) => {
  const { prisma, fake, gateways } = setupGatewayProcesses({
    instances,
    // $1 / $4 per 1M tokens: a request for 100 output tokens holds about 0.045 credits.
    prepare: async (prisma) => {
      for (const slug of ["load-ok", "load-flaky"])
        await createCatalogEntry(prisma, { modelSlug: slug, upstreamModel: slug });
    },
    env: (fake) => ({
      OPENAI_API_KEY: "sk-fake",
      OPENAI_BASE_URL: fake.baseUrl,
      LOG_LEVEL: "warn",
      WEB_CONCURRENCY: String(workers),
    }),
    checkLedger: true,
  });

  test("1,000 mixed requests on two instances over a balance for about 100", async () => {
    const user = await createUser(prisma, { credits: 5 });
    const keys = await Promise.all([1, 2, 3, 4].map(() => createApiKey(prisma, user.id)));
    // The provider answers nobody until every request has been refused, has left or waits at the
    // provider: all admitted requests hold at once, however slowly a busy machine sends the load.
    let releaseAnswers!: () => void;
    const answersReleased = new Promise<void>((resolve) => (releaseAnswers = resolve));
    fake.scripts.defaultScript = {
      chunks: ["a ", "b ", "c ", "d ", "e "],
      chunkDelayMs: 10,
      heldUntil: answersReleased,
    };
    for (let i = 0; i < 600; i++) fake.scripts.enqueue("load-flaky", { status: 500 });

    let lowest = (await ledgerTotals(prisma, user.id)).balance;
    // Each instance (process or worker) holds credits under its own ledger instance id.
    const holders = new Set<string>();
    let running = true;
    const watcher = (async () => {
      while (running) {
        const { balance, reserved } = await ledgerTotals(prisma, user.id);
        if (balance - reserved < lowest) lowest = balance - reserved;
        const holds = await prisma.creditHold.findMany({
          where: { userId: user.id },
          select: { instanceId: true },
        });
        holds.forEach((hold) => holders.add(hold.instanceId));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    let settled = 0;
    let waitingAtProvider = 0;
    const releaser = (async () => {
      const deadline = performance.now() + 60_000;
      let seen = 0;
      let steadyPolls = 0;
      // A client that left may be counted twice until the gateway closes its upstream call: wait
      // for the count to hold over a few polls.
      while (steadyPolls < 3 && performance.now() < deadline) {
        for (const received of fake.scripts.received.slice(seen)) {
          if ((received.body as { model?: string }).model !== "load-ok") continue;
          waitingAtProvider++;
          void received.closed.then(() => waitingAtProvider--);
        }
        seen = fake.scripts.received.length;
        steadyPolls = settled + waitingAtProvider >= 1_000 ? steadyPolls + 1 : 0;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      releaseAnswers();
    })();

    async function one(i: number) {
      // 0 stream, 1 JSON, 2 stream the client leaves (half before the answer, half in the middle
      // of it), 3 failing provider
      const kind = i % 4;
      const controller = new AbortController();
      if (kind === 2 && i % 8 === 2) setTimeout(() => controller.abort(), Math.random() * 60);
      try {
        // Each group of four (one of each kind) goes to one process, with one key.
        const response = await postCompletion(
          gateways[Math.floor(i / 4) % gateways.length]!.baseUrl,
          keys[Math.floor(i / 8) % 4]!.secret,
          {
            model: kind === 3 ? "load-flaky" : "load-ok",
            stream: kind !== 1,
            max_completion_tokens: 100,
          },
          controller.signal,
        );
        if (kind === 2 && response.ok) {
          await response.body!.getReader().read();
          controller.abort();
        }
        const body = await response.text();
        return { status: response.status, body };
      } catch {
        return { status: 0, body: "" };
      } finally {
        settled++;
      }
    }
    const answers = await Promise.all(Array.from({ length: 1_000 }, (_, i) => one(i)));
    running = false;
    await Promise.all([watcher, releaser]);

    const count = (status: number) => answers.filter((answer) => answer.status === status).length;
    const served = answers.filter(
      (answer, i) => answer.status === 200 && i % 4 !== 3 && answer.body.length > 0,
    ).length;
    expect(served).toBeGreaterThan(20);
    // What a request holds, as the gateway computes it: no more than the balance covers are served.
    const hold =
      costOfTokens(
        inputTokensUpperBound({ model: "load-ok", messages: [{ role: "user", content: "Hi" }] }),
        usdToMicro("1.00"),
      ) + costOfTokens(100, usdToMicro("4.00"));
    expect(count(402)).toBeGreaterThan(300); // most found the balance spoken for
    // Only the failing provider answers 5xx, and only as an upstream error.
    expect(answers.filter((answer, i) => answer.status >= 500 && i % 4 !== 3)).toEqual([]);
    expect(lowest).toBeGreaterThanOrEqual(0n);
    // Both instances served: with WEB_CONCURRENCY=2 the kernel spread the connections over the workers.
    expect(holders.size).toBe(2);

    let totals = await ledgerTotals(prisma, user.id);
    for (let i = 0; i < 100 && totals.reserved !== 0n; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      totals = await ledgerTotals(prisma, user.id);
    }
    expect(totals.reserved).toBe(0n);
    expect(totals.balance).toBeGreaterThanOrEqual(0n);
    expect(totals.charges).toBeLessThanOrEqual(totals.topUps);
    expect(totals.balance).toBe(totals.topUps - totals.charges);
    // Every served answer has its row; none has two.
    const rows = await prisma.conversation.findMany({ where: { userId: user.id } });
    expect(new Set(rows.map((row) => row.requestId)).size).toBe(rows.length);
    // No more are served than the balance covers at the hold each took. An admitted request that
    // failed or was cancelled (a row that is not a success) gave its hold back early, once, and a
    // request arriving later may take it.
    const gaveBack = rows.filter((row) => row.status !== "SUCCESS").length;
    expect(BigInt(served)).toBeLessThanOrEqual(creditsToMicro(5) / hold + BigInt(gaveBack));
    expect(rows.filter((row) => row.status === "SUCCESS").length).toBeGreaterThanOrEqual(
      answers.filter((answer, i) => answer.status === 200 && i % 4 !== 2 && i % 4 !== 3).length,
    );
    console.log(
      `${setup}, 1,000 requests: ${served} served, ${count(402)} refused 402, ${count(502)} 502 (failing provider), ${count(0)} left early; ${rows.length} usage rows; lowest spendable balance ${lowest} µcr; charged ${totals.charges} of ${totals.topUps} µcr`,
    );
  }, 120_000);
});
