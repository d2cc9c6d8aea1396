// Bring your own key (ADR 027): a user's own provider key serves their requests
// first, which are charged the BYOK fee instead of the provider's price and
// logged with byok; a key the provider refuses is set aside and says so; the
// gateway's keys take over only when the user allowed it.
import { randomBytes } from "node:crypto";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { saveOwnProviderKey } from "../../app/accounts/own-provider-keys/own-provider-keys.server.ts";
import { costOfUsage, feePrices, type Prices } from "../../app/billing/prices.ts";
import { keyPrefix } from "../../app/providers/env-providers.server.ts";
import { SecretBox } from "../../app/security/secret-box.server.ts";
import { creditsToMicro, usdToMicro } from "../../app/utils/money.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { startGatewayHarness, type GatewayHarness } from "../support/gateway-harness.ts";
import { setupTestPrisma } from "../support/test-prisma.ts";

const GATEWAY_KEY = "sk-gateway-own-provider-key";
const USER_KEY = "sk-user-brought-this-key-1";
const PRICES: Prices = {
  input: usdToMicro("1.00"),
  cachedInput: usdToMicro("0.10"),
  cacheWrite: null,
  output: usdToMicro("4.00"),
};
const { db, prisma } = setupTestPrisma({ checkLedger: true });
let box: SecretBox;
/** Charges a BYOK fee of 5 %. */
let withFee: GatewayHarness;
/** Charges none (the default). */
let free: GatewayHarness;

beforeAll(async () => {
  box = new SecretBox({ current: randomBytes(32) });
  withFee = await startGatewayHarness(db.url, { box, byokFeePercent: 5 });
  free = await startGatewayHarness(db.url, { box });
  // A provider of rows (not a fixed adapter), served by the first harness's fake OpenAI.
  const { provider } = await createCatalogEntry(prisma, {
    modelSlug: "byok-model",
    providerSlug: "mine",
    upstreamModel: "byok-up",
  });
  await prisma.provider.update({
    where: { id: provider.id },
    data: { kind: "openai", baseUrl: withFee.fakes.openai.baseUrl },
  });
  await prisma.providerKey.create({
    data: {
      providerId: provider.id,
      secret: box.seal(GATEWAY_KEY),
      prefix: keyPrefix(GATEWAY_KEY),
    },
  });
});
afterAll(async () => {
  await Promise.all([withFee.close(), free.close()]);
});
beforeEach(() => withFee.fakes.openai.scripts.reset());

async function customer(
  harness: GatewayHarness,
  options: { credits: number; ownKey?: string; fallback?: boolean },
) {
  const user = await createUser(prisma, { credits: options.credits });
  const { secret } = await createApiKey(prisma, user.id);
  if (options.ownKey)
    await saveOwnProviderKey(prisma, box, user.id, {
      provider: "mine",
      apiKey: options.ownKey,
      fallback: options.fallback ?? false,
    });
  const openai = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
  return { user, openai };
}

const ask = (openai: OpenAI) =>
  openai.chat.completions.create({
    model: "byok-model",
    messages: [{ role: "user", content: "Hi" }],
  });

/** The upstream keys the fake saw, in order, since `from`. */
const keysSeen = (from = 0) =>
  withFee.fakes.openai.scripts.received
    .slice(from)
    .map((request) => String(request.headers.authorization).slice("Bearer ".length));

const rowsOf = (userId: string) =>
  prisma.conversation.findMany({ where: { userId }, orderBy: { id: "asc" } });

describe("a user's own key", () => {
  test("serves their requests (JSON and streamed), charged the 5 % fee and logged byok; others use the gateway's key at full price", async () => {
    const own = await customer(withFee, { credits: 10, ownKey: USER_KEY });
    const other = await customer(withFee, { credits: 10 });
    await ask(own.openai);
    const stream = await own.openai.chat.completions.create({
      model: "byok-model",
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _chunk of stream);
    await ask(other.openai);
    expect(keysSeen()).toEqual([USER_KEY, USER_KEY, GATEWAY_KEY]);

    const fee = feePrices(PRICES, 500);
    expect(fee.output).toBe(PRICES.output / 20n);
    const ownRows = await rowsOf(own.user.id);
    expect(ownRows.map((row) => [row.byok, row.stream, row.usageSource])).toEqual([
      [true, false, "REPORTED"],
      [true, true, "REPORTED"],
    ]);
    for (const row of ownRows) {
      expect(row.outputPrice).toBe(fee.output);
      const usage = {
        inputTokens: row.inputTokens,
        cachedInputTokens: row.cachedInputTokens,
        cacheWriteTokens: row.cacheWriteTokens,
        outputTokens: row.outputTokens,
        reasoningTokens: row.reasoningTokens,
      };
      expect(row.cost).toBe(costOfUsage(usage, fee));
      expect(row.cost).toBeGreaterThan(0n);
      expect(row.cost).toBeLessThan(costOfUsage(usage, PRICES));
    }
    const [otherRow] = await rowsOf(other.user.id);
    expect(otherRow).toMatchObject({ byok: false, outputPrice: PRICES.output });

    const balance = await prisma.user.findUniqueOrThrow({ where: { id: own.user.id } });
    const charged = ownRows.reduce((sum, row) => sum + row.cost, 0n);
    expect(balance.balance).toBe(creditsToMicro(10) - charged);

    // OpenRouter's generation lookup says so too.
    const generation = await fetch(
      `${withFee.baseUrl}/api/v1/generation?id=${ownRows[0]!.requestId}`,
      { headers: { authorization: `Bearer ${own.openai.apiKey}` } },
    ).then((response) => response.json() as Promise<{ data: { is_byok: boolean } }>);
    expect(generation.data.is_byok).toBe(true);
  });

  test("without a fee, a user with no credits is served on their own key for free", async () => {
    const broke = await customer(free, { credits: 0, ownKey: USER_KEY });
    expect((await ask(broke.openai)).choices[0]!.message.content).toBeTruthy();
    const [row] = await rowsOf(broke.user.id);
    expect(row).toMatchObject({ byok: true, cost: 0n, status: "SUCCESS" });
    // Without their key the same user is refused: the gateway's key costs credits.
    const withoutKey = await customer(free, { credits: 0 });
    await expect(ask(withoutKey.openai)).rejects.toMatchObject({ status: 402 });
  });
});

describe("when the user's key fails", () => {
  test("rate-limited: an error without fallback; with fallback the gateway's key serves at full price", async () => {
    withFee.fakes.openai.scripts.keyStatuses.set(USER_KEY, 429);
    const strict = await customer(withFee, { credits: 10, ownKey: USER_KEY });
    await expect(ask(strict.openai)).rejects.toMatchObject({ status: 429 });
    expect(new Set(keysSeen())).toEqual(new Set([USER_KEY]));
    expect((await rowsOf(strict.user.id)).map((row) => [row.byok, row.cost])).toEqual([[true, 0n]]);

    const lenient = await customer(withFee, { credits: 10, ownKey: USER_KEY, fallback: true });
    const from = withFee.fakes.openai.scripts.received.length;
    expect((await ask(lenient.openai)).choices[0]!.message.content).toBeTruthy();
    expect(keysSeen(from).at(-1)).toBe(GATEWAY_KEY);
    const [row] = await rowsOf(lenient.user.id);
    expect(row).toMatchObject({ byok: false, outputPrice: PRICES.output, status: "SUCCESS" });
  });

  test("refused (401): set aside for every instance, and each request says to replace it", async () => {
    withFee.fakes.openai.scripts.keyStatuses.set(USER_KEY, 401);
    const who = await customer(withFee, { credits: 10, ownKey: USER_KEY });
    const refused = await ask(who.openai).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 403, code: "own_key_refused" });
    expect((refused as Error).message).toMatch(
      /Your own key for 'mine' was refused by the provider .*Replace it under Provider keys/,
    );
    await expect
      .poll(
        async () =>
          (await prisma.userProviderKey.findFirstOrThrow({ where: { userId: who.user.id } }))
            .invalidAt,
      )
      .not.toBeNull();
    // The other instance learns it from the database: no call upstream, the same answer.
    const from = withFee.fakes.openai.scripts.received.length;
    const again = new OpenAI({
      apiKey: who.openai.apiKey,
      baseURL: `${free.baseUrl}/v1`,
      maxRetries: 0,
    });
    await expect
      .poll(
        async () => ((await ask(again).catch((error: unknown) => error)) as { code?: string }).code,
      )
      .toBe("own_key_refused");
    expect(keysSeen(from)).toEqual([]);

    // A new key clears the refusal (the change reaches both instances within a second).
    withFee.fakes.openai.scripts.keyStatuses.delete(USER_KEY);
    await saveOwnProviderKey(prisma, box, who.user.id, {
      provider: "mine",
      apiKey: "sk-user-replacement-key-2",
      fallback: false,
    });
    await expect
      .poll(async () => ((await ask(again).catch(() => undefined)) ? keysSeen().at(-1) : undefined))
      .toBe("sk-user-replacement-key-2");
  });
});

test("the database holds users' keys sealed only; the prefix alone is readable", async () => {
  const who = await customer(withFee, { credits: 1, ownKey: USER_KEY });
  const { rows } = await db.pool.query<Record<string, unknown>>(
    "SELECT * FROM user_provider_keys WHERE user_id = $1",
    [who.user.id],
  );
  expect(JSON.stringify(rows)).not.toContain(USER_KEY);
  expect(rows[0]!.prefix).toBe(keyPrefix(USER_KEY));
  expect(box.open(String(rows[0]!.secret))).toBe(USER_KEY);
});
