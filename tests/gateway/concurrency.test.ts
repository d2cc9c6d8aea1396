// 200 requests at once from one account (a person, or a team) through several keys, on a balance that
// covers about 20 of them: exactly those that fit are served, the balance never
// dips below zero, and balance = top-ups - charges afterwards.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { beforeAll, expect, test } from "vitest";
import { costOfTokens, creditsToMicro, usdToMicro } from "../../app/utils/money.ts";
import { inputTokensUpperBound } from "../../app/llm/input-estimate.ts";
import {
  createApiKey,
  createCatalogEntry,
  createTeamAccount,
  createUser,
} from "../support/factories.ts";
import { ledgerTotals } from "../support/ledger-totals.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";
import { postCompletion } from "../support/completions.ts";
import { spendByMember } from "../../app/usage/usage-query.server.ts";
import { setMemberLimit } from "../../app/accounts/teams/teams.server.ts";

// Whatever the tests did, every account still agrees with its history.
const { db, prisma, harness } = setupGatewayHarness({ checkLedger: true });

beforeAll(async () => {
  await createCatalogEntry(prisma, {
    modelSlug: "busy",
    usd: { input: "1.00", cachedInput: "0.10", output: "10.00" },
  });
});

/** The request the limit tests send, and what each one holds (input bound + 5,000 output tokens at $10/1M). */
const LIMITED_REQUEST = (() => {
  const messages = [{ role: "user" as const, content: "Tell me something" }];
  const maxTokens = 5000;
  const hold =
    costOfTokens(inputTokensUpperBound({ model: "busy", messages }), usdToMicro("1.00")) +
    costOfTokens(maxTokens, usdToMicro("10.00"));
  return { messages, maxTokens, hold };
})();

/** Slow first bytes: every reservation is made before the first settlement frees anything. */
function slowUpstream() {
  harness.fakes.openai.scripts.reset();
  harness.fakes.openai.scripts.defaultScript = {
    text: "ok",
    firstByteDelayMs: 1500,
    usage: { input: 5, output: 1 },
  };
}

// A team's balance is an account's like a person's: the same guarantees, with keys its members made.
test.each([
  { account: "a person's balance, through 5 of their keys" },
  { account: "a team's balance, through keys of 5 members" },
])(
  "200 concurrent requests on $account for 20, through chat completions, Anthropic's Messages and OpenAI's Responses APIs",
  async ({ account }) => {
    harness.fakes.openai.scripts.reset();
    const messages = [{ role: "user" as const, content: "Tell me something" }];
    const maxTokens = 5000;
    // The hold per request: the input's upper bound at the input price + 5000 output tokens at $10/1M.
    const hold =
      costOfTokens(inputTokensUpperBound({ model: "busy", messages }), usdToMicro("1.00")) +
      costOfTokens(maxTokens, usdToMicro("10.00"));
    const fits = Number(creditsToMicro(100) / hold);
    expect(fits).toBeGreaterThanOrEqual(15);
    expect(fits).toBeLessThanOrEqual(25);

    let user: { id: string };
    let keys: { secret: string }[];
    if (account.startsWith("a team")) {
      const team = await createTeamAccount(prisma, { credits: 100, members: 4 });
      user = { id: team.teamId };
      keys = await Promise.all(
        [team.owner, ...team.members].map((member) =>
          createApiKey(prisma, team.teamId, { createdById: member.id }),
        ),
      );
    } else {
      user = await createUser(prisma, { credits: 100 });
      keys = await Promise.all([0, 1, 2, 3, 4].map(() => createApiKey(prisma, user.id)));
    }
    // The three protocols translate to the same canonical request, so each holds the same amount.
    const calls = keys.flatMap(({ secret }) => [
      () =>
        new OpenAI({
          apiKey: secret,
          baseURL: `${harness.baseUrl}/v1`,
          maxRetries: 0,
        }).chat.completions.create({ model: "busy", messages, max_completion_tokens: maxTokens }),
      () =>
        new Anthropic({ apiKey: secret, baseURL: harness.baseUrl, maxRetries: 0 }).messages.create({
          model: "busy",
          messages,
          max_tokens: maxTokens,
        }),
      () =>
        new OpenAI({
          apiKey: secret,
          baseURL: `${harness.baseUrl}/v1`,
          maxRetries: 0,
        }).responses.create({
          model: "busy",
          input: messages[0]!.content,
          max_output_tokens: maxTokens,
          store: false,
        }),
    ]);
    // Slow first bytes: every reservation is made before the first settlement frees anything.
    harness.fakes.openai.scripts.defaultScript = {
      text: "ok",
      firstByteDelayMs: 1500,
      usage: { input: 5, output: 1 },
    };

    let lowest = creditsToMicro(100);
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const { rows } = await db.pool.query<{ spendable: string; balance: string }>(
          "SELECT balance - reserved AS spendable, balance FROM users WHERE id = $1",
          [user.id],
        );
        for (const value of [BigInt(rows[0]!.spendable), BigInt(rows[0]!.balance)])
          if (value < lowest) lowest = value;
      }
    })();

    const statuses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        calls[i % calls.length]!()
          .then(() => 200)
          .catch((error: { status?: number }) => error.status ?? 0),
      ),
    );
    sampling = false;
    await sampler;

    expect(statuses.filter((status) => status === 200)).toHaveLength(fits);
    expect(statuses.filter((status) => status === 402)).toHaveLength(200 - fits);
    expect(harness.fakes.openai.scripts.received).toHaveLength(fits);
    expect(lowest).toBeGreaterThanOrEqual(0n);

    const after = await ledgerTotals(prisma, user.id);
    expect(after.chargeCount).toBe(fits);
    // Which protocol's requests came first is a race; together they got no more than fits.
    const rows = await prisma.conversation.findMany({
      where: { userId: user.id },
      select: { endpoint: true },
    });
    for (const row of rows)
      expect(["/v1/chat/completions", "/v1/messages", "/v1/responses"]).toContain(row.endpoint);
    expect(after.reserved).toBe(0n);
    expect(after.balance).toBe(after.topUps - after.charges);
    expect({ spent: after.keySpent, reserved: after.keyReserved }).toEqual({
      spent: after.charges,
      reserved: 0n,
    });
    // Who spent what adds up to the account's charges.
    const byMember = await spendByMember(prisma, user.id);
    expect(byMember.reduce((sum, member) => sum + member.cost, 0n)).toBe(after.charges);
    expect(byMember.length).toBeGreaterThan(account.startsWith("a team") ? 1 : 0);
  },
);

test("100 concurrent requests on a key whose daily limit covers about 10: exactly those that fit pass, the rest get 403", async () => {
  const { messages, maxTokens, hold } = LIMITED_REQUEST;
  const dailyLimit = creditsToMicro(50);
  const fits = Number(dailyLimit / hold);
  expect(fits).toBeGreaterThanOrEqual(8);
  expect(fits).toBeLessThanOrEqual(13);
  const user = await createUser(prisma, { credits: 1000 });
  const { apiKey, secret } = await createApiKey(prisma, user.id);
  await prisma.apiKey.update({
    where: { id: apiKey.id },
    data: { periodLimit: dailyLimit, limitPeriod: "day" },
  });
  slowUpstream();
  const client = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
  const answers = await Promise.all(
    Array.from({ length: 100 }, () =>
      client.chat.completions
        .create({ model: "busy", messages, max_completion_tokens: maxTokens })
        .then(() => "ok")
        .catch((error: { status?: number; code?: string }) => `${error.status} ${error.code}`),
    ),
  );
  expect(answers.filter((answer) => answer === "ok")).toHaveLength(fits);
  expect(answers.filter((answer) => answer === "403 key_period_limit_reached")).toHaveLength(
    100 - fits,
  );
  const key = await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
  expect(key.periodSpent).toBe(key.spent);
  expect(key.spent).toBeGreaterThan(0n);
  expect(key.periodSpent).toBeLessThanOrEqual(dailyLimit);
  const after = await ledgerTotals(prisma, user.id);
  expect(after.chargeCount).toBe(fits);
  expect(after.balance).toBe(after.topUps - after.charges);
});

test("100 concurrent requests through 3 keys of a team member whose monthly limit covers about 10: exactly those pass, the rest get 403; another member is not held back", async () => {
  const { messages, maxTokens, hold } = LIMITED_REQUEST;
  const monthlyLimit = creditsToMicro(50);
  const fits = Number(monthlyLimit / hold);
  expect(fits).toBeGreaterThanOrEqual(8);
  const team = await createTeamAccount(prisma, { credits: 1000, members: 2 });
  const limited = team.members[0]!;
  const free = team.members[1]!;
  await prisma.teamMember.update({
    where: { teamId_userId: { teamId: team.teamId, userId: limited.id } },
    data: { monthlyLimit },
  });
  const keys = await Promise.all(
    [0, 1, 2].map(() => createApiKey(prisma, team.teamId, { createdById: limited.id })),
  );
  const other = await createApiKey(prisma, team.teamId, { createdById: free.id });
  slowUpstream();
  const ask = (secret: string) =>
    new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 }).chat.completions
      .create({ model: "busy", messages, max_completion_tokens: maxTokens })
      .then(() => "ok")
      .catch((error: { status?: number; code?: string }) => `${error.status} ${error.code}`);
  const [answers, others] = await Promise.all([
    Promise.all(Array.from({ length: 100 }, (_, i) => ask(keys[i % 3]!.secret))),
    Promise.all(Array.from({ length: 20 }, () => ask(other.secret))),
  ]);
  expect(answers.filter((answer) => answer === "ok")).toHaveLength(fits);
  expect(answers.filter((answer) => answer === "403 member_monthly_limit_reached")).toHaveLength(
    100 - fits,
  );
  expect(others).toEqual(Array.from({ length: 20 }, () => "ok"));
  // The member's month is what their keys were charged; nothing is left held.
  const member = await prisma.teamMember.findUniqueOrThrow({
    where: { teamId_userId: { teamId: team.teamId, userId: limited.id } },
  });
  const charged = await prisma.conversation.aggregate({
    where: { userId: team.teamId, apiKey: { createdById: limited.id } },
    _sum: { cost: true },
  });
  expect(member.monthSpent).toBe(charged._sum.cost);
  expect(member.monthSpent).toBeLessThanOrEqual(monthlyLimit);
  expect(member.reserved).toBe(0n);
  const after = await ledgerTotals(prisma, team.teamId);
  expect(after.chargeCount).toBe(fits + 20);
  expect(after.balance).toBe(after.topUps - after.charges);
});

test("lowering a member's limit takes back the room their keys' holds kept: the next request is refused at once", async () => {
  const team = await createTeamAccount(prisma, { credits: 1000, members: 1 });
  const member = team.members[0]!;
  await setMemberLimit(prisma, team.teamId, member.id, creditsToMicro(1000));
  const { secret } = await createApiKey(prisma, team.teamId, { createdById: member.id });
  slowUpstream();
  const client = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
  const ask = () =>
    client.chat.completions
      .create({
        model: "busy",
        messages: [{ role: "user", content: "Hi" }],
        max_completion_tokens: 5000,
      })
      .then(() => "ok")
      .catch((error: { status?: number; code?: string }) => `${error.status} ${error.code}`);
  // In flight: its key's hold grew by this request and room for more (5 credits each).
  const first = ask();
  await expect
    .poll(
      async () =>
        (await prisma.apiKey.findFirstOrThrow({ where: { createdById: member.id } })).reserved,
    )
    .toBeGreaterThan(creditsToMicro(5));
  await setMemberLimit(prisma, team.teamId, member.id, creditsToMicro(6));
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await ask()).toBe("403 member_monthly_limit_reached");
  expect(await first).toBe("ok");
});

test("400 streams cut by their clients at random moments, 50 at a time: one row per request, no hold left", async () => {
  harness.fakes.openai.scripts.reset();
  const user = await createUser(prisma, { credits: 1_000 });
  const { secret } = await createApiKey(prisma, user.id);
  // Each stream takes ~200 ms: a cut in its first 250 ms lands during the reservation,
  // while waiting for the first part, or mid-stream.
  harness.fakes.openai.scripts.defaultScript = {
    chunks: Array.from({ length: 10 }, (_, i) => `p${i} `),
    firstByteDelayMs: 20,
    chunkDelayMs: 18,
  };
  const cut = async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), Math.random() * 250);
    try {
      const response = await postCompletion(
        harness.baseUrl,
        secret,
        {
          model: "busy",
          stream: true,
          max_completion_tokens: 50,
          messages: [{ role: "user", content: "Count" }],
        },
        controller.signal,
      );
      await response.text();
      return "finished";
    } catch {
      return "cut";
    }
  };
  const outcomes: string[] = [];
  for (let round = 0; round < 8; round++)
    outcomes.push(...(await Promise.all(Array.from({ length: 50 }, cut))));
  expect(outcomes.filter((outcome) => outcome === "cut").length).toBeGreaterThan(200);

  // Every request the gateway saw settles once; the ledger is at rest.
  let totals = await ledgerTotals(prisma, user.id);
  for (let i = 0; i < 100 && (totals.reserved !== 0n || totals.keyReserved !== 0n); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    totals = await ledgerTotals(prisma, user.id);
  }
  expect(totals.reserved).toBe(0n);
  expect(totals.keyReserved).toBe(0n);
  expect(await prisma.creditHold.count({ where: { userId: user.id } })).toBe(0);
  const rows = await prisma.conversation.findMany({ where: { userId: user.id } });
  expect(new Set(rows.map((row) => row.requestId)).size).toBe(rows.length);
  // Every request that reached the provider has its row (and those cut while reserving
  // have theirs too); one cut before the gateway read its body never reached the ledger.
  const calledUpstream = harness.fakes.openai.scripts.received.length;
  expect(calledUpstream).toBeGreaterThan(100);
  expect(rows.length).toBeGreaterThanOrEqual(calledUpstream);
  expect(rows.length).toBeLessThanOrEqual(400);
  expect(totals.balance).toBe(totals.topUps - totals.charges);
  harness.fakes.openai.scripts.reset();
});
