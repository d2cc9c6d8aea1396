// A key's requests-per-minute limit holds across two gateway processes on one
// database: each leases slices of the key's window, so together they let
// through the limit, not the limit per instance.
import { expect, test } from "vitest";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import type { GatewayProcess } from "../support/gateway-process.ts";
import { setupGatewayProcesses } from "../support/setup-gateway.ts";

const LIMIT = 60;
const PER_INSTANCE = 100;
const { prisma, fake, gateways } = setupGatewayProcesses({
  instances: 2,
  prepare: (prisma) =>
    createCatalogEntry(prisma, { modelSlug: "limited-model", upstreamModel: "up-limited" }),
  env: (fake) => ({ OPENAI_API_KEY: "sk-fake", OPENAI_BASE_URL: fake.baseUrl, LOG_LEVEL: "warn" }),
  checkLedger: true,
});

const minute = () => Math.floor(Date.now() / 60_000);

test(`2 × ${PER_INSTANCE} requests at ${LIMIT}/min on two instances: the limit is let through, the rest get 429`, async () => {
  const user = await createUser(prisma, { credits: 100 });
  const { apiKey, secret } = await createApiKey(prisma, user.id);
  await prisma.apiKey.update({ where: { id: apiKey.id }, data: { rpmLimit: LIMIT } });
  // Windows are whole minutes: start early enough in one to finish in it.
  const into = Date.now() % 60_000;
  if (into > 40_000) await new Promise((resolve) => setTimeout(resolve, 60_050 - into));
  const window = minute();

  const send = (gateway: GatewayProcess) =>
    fetch(`${gateway.baseUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
      body: JSON.stringify({
        model: "limited-model",
        messages: [{ role: "user", content: "Hi" }],
        max_completion_tokens: 10,
      }),
    }).then(async (response) => ({ response, body: await response.text() }));
  // One request on each instance in turn, then both at once, 10 each a round (a round is 20
  // requests on the one window). Each instance going at its own pace let a busy machine's
  // slower one start only once the other had leased the whole window: a flaky test.
  const perGateway: Awaited<ReturnType<typeof send>>[][] = gateways.map(() => []);
  for (const [i, gateway] of gateways.entries()) perGateway[i]!.push(await send(gateway));
  for (let sent = 1; sent < PER_INSTANCE; sent += 10) {
    const count = Math.min(10, PER_INSTANCE - sent);
    const round = await Promise.all(
      gateways.map((gateway) => Promise.all(Array.from({ length: count }, () => send(gateway)))),
    );
    round.forEach((answered, i) => perGateway[i]!.push(...answered));
  }
  const answers = perGateway.flat();
  const sameWindow = minute() === window;

  const passed = answers.filter(({ response }) => response.status === 200);
  const limited = answers.filter(({ response }) => response.status === 429);
  const perInstance = gateways.map(
    (_, i) =>
      answers
        .slice(i * PER_INSTANCE, (i + 1) * PER_INSTANCE)
        .filter(({ response }) => response.status === 200).length,
  );
  console.log(
    `rate limit ${LIMIT}/min, two instances, ${answers.length} requests: ${passed.length} let through ` +
      `(${perInstance.join(" + ")}), ${limited.length} answered 429; one window: ${sameWindow}`,
  );
  expect(
    answers
      .map(({ response }) => response.status)
      .filter((status) => status !== 200 && status !== 429),
  ).toEqual([]);
  // The documented bound: the limit per window, so at most twice it across a window's edge.
  if (sameWindow) expect(passed.length).toBe(LIMIT);
  else expect(passed.length).toBeLessThanOrEqual(2 * LIMIT);
  expect(passed.length).toBeGreaterThanOrEqual(LIMIT);
  // Both instances served some of them: each leases from the one window.
  expect(Math.min(...perInstance)).toBeGreaterThan(0);

  const refusal = limited[0]!;
  expect(Number(refusal.response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  expect(refusal.response.headers.get("x-ratelimit-limit-requests")).toBe(String(LIMIT));
  expect(refusal.response.headers.get("x-ratelimit-remaining-requests")).toBe("0");
  expect(JSON.parse(refusal.body)).toMatchObject({
    error: { type: "rate_limit_error", code: "rate_limit_exceeded" },
  });
  for (const { response } of passed)
    expect(response.headers.get("x-ratelimit-limit-requests")).toBe(String(LIMIT));
  // Only the let-through requests reached the provider and were charged.
  expect(fake.scripts.received).toHaveLength(passed.length);
  await expect
    .poll(() => prisma.conversation.count({ where: { apiKeyId: apiKey.id } }))
    .toBe(passed.length);
}, 90_000);
