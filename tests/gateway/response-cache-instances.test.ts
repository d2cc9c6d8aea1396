// The response cache across two gateway processes on one database (ADR 066): an
// answer kept by one instance is replayed by the other, streamed and validated
// by each client SDK (OpenAI chat, OpenAI Responses, Anthropic Messages), free
// by default, and never to another account or team.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { expect, test } from "vitest";
import {
  createApiKey,
  createCatalogEntry,
  createTeamAccount,
  createUser,
} from "../support/factories.ts";
import { setupGatewayProcesses } from "../support/setup-gateway.ts";

const MODEL = "cached-model";
const ANSWER = "Beta comes after alpha.";
const { prisma, fake, gateways } = setupGatewayProcesses({
  instances: 2,
  prepare: (prisma) => createCatalogEntry(prisma, { modelSlug: MODEL, upstreamModel: "up-cached" }),
  env: (fake) => ({ OPENAI_API_KEY: "sk-fake", OPENAI_BASE_URL: fake.baseUrl, LOG_LEVEL: "warn" }),
  checkLedger: true,
  resetFake: true,
});

/** A key of `accountId` that keeps its answers for five minutes. */
async function cachingKey(accountId: string, createdById = accountId) {
  const { apiKey, secret } = await createApiKey(prisma, accountId, { createdById });
  await prisma.apiKey.update({ where: { id: apiKey.id }, data: { cacheTtlSeconds: 300 } });
  return { apiKey, secret };
}

const openai = (secret: string, instance: number) =>
  new OpenAI({ apiKey: secret, baseURL: `${gateways[instance]!.baseUrl}/v1`, maxRetries: 0 });
const anthropic = (secret: string, instance: number) =>
  new Anthropic({ apiKey: secret, baseURL: gateways[instance]!.baseUrl, maxRetries: 0 });

const balanceOf = async (userId: string) =>
  (await prisma.user.findUniqueOrThrow({ where: { id: userId } })).balance;
const sourcesOf = async (apiKeyId: string) =>
  (await prisma.conversation.findMany({ where: { apiKeyId }, orderBy: { id: "asc" } })).map(
    (row) => `${row.usageSource} ${row.cost}`,
  );

test("kept by one instance, replayed by the other as a stream each SDK reads whole, free", async () => {
  const user = await createUser(prisma, { credits: 10 });
  const { apiKey, secret } = await cachingKey(user.id);
  fake.scripts.defaultScript = { text: ANSWER };
  const chat = { model: MODEL, messages: [{ role: "user" as const, content: "After alpha?" }] };
  const responses = { model: MODEL, input: "After alpha, in the Responses API?" };
  const messages = {
    model: MODEL,
    max_tokens: 100,
    messages: [{ role: "user" as const, content: "After alpha, in Messages?" }],
  };

  // Misses on instance 0, each a whole JSON answer.
  const miss = await openai(secret, 0).chat.completions.create(chat).withResponse();
  expect(miss.response.headers.get("x-openrouter-cache-status")).toBe("MISS");
  await openai(secret, 0).responses.create(responses);
  await anthropic(secret, 0).messages.create(messages);
  expect(fake.scripts.received).toHaveLength(3);
  const afterMisses = await balanceOf(user.id);

  // Hits on instance 1, streamed.
  const stream = await openai(secret, 1)
    .chat.completions.create({ ...chat, stream: true })
    .withResponse();
  expect(stream.response.headers.get("x-openrouter-cache-status")).toBe("HIT");
  let text = "";
  for await (const chunk of stream.data) text += chunk.choices[0]?.delta.content ?? "";
  expect(text).toBe(ANSWER);
  const response = await openai(secret, 1).responses.stream(responses).finalResponse();
  expect(response.output_text).toBe(ANSWER);
  const message = await anthropic(secret, 1).messages.stream(messages).finalMessage();
  expect(message.content).toEqual([{ type: "text", text: ANSWER }]);
  expect(message.stop_reason).toBe("end_turn");

  console.log(
    "cache hits on the second instance:",
    JSON.stringify({
      openaiChatStream: { status: stream.response.headers.get("x-openrouter-cache-status"), text },
      openaiResponsesStream: response.output_text,
      anthropicMessagesStream: { text: message.content, stop: message.stop_reason },
    }),
  );
  expect(fake.scripts.received).toHaveLength(3);
  expect(await balanceOf(user.id)).toBe(afterMisses);
  const sources = await sourcesOf(apiKey.id);
  expect(sources.slice(0, 3).every((source) => source.startsWith("REPORTED "))).toBe(true);
  expect(sources.slice(3)).toEqual(["CACHE 0", "CACHE 0", "CACHE 0"]);
});

test("a team's keys share its answers; a person asking the same is not given them, nor another person", async () => {
  const team = await createTeamAccount(prisma, { credits: 10, members: 1 });
  const member = team.members[0]!;
  const ownersKey = await cachingKey(team.teamId, team.owner.id);
  const membersKey = await cachingKey(team.teamId, member.id);
  const people = await Promise.all([1, 2].map(() => createUser(prisma, { credits: 10 })));
  const peoplesKeys = await Promise.all(people.map((person) => cachingKey(person.id)));
  const chat = { model: MODEL, messages: [{ role: "user" as const, content: "Whose answer?" }] };

  const statusOf = async (secret: string, instance: number) => {
    const { response } = await openai(secret, instance)
      .chat.completions.create(chat)
      .withResponse();
    return response.headers.get("x-openrouter-cache-status");
  };
  expect(await statusOf(ownersKey.secret, 0)).toBe("MISS");
  expect(await statusOf(membersKey.secret, 1)).toBe("HIT");
  expect(await statusOf(peoplesKeys[0]!.secret, 1)).toBe("MISS");
  expect(await statusOf(peoplesKeys[1]!.secret, 0)).toBe("MISS");
  expect(await statusOf(peoplesKeys[1]!.secret, 1)).toBe("HIT");
  expect(fake.scripts.received).toHaveLength(3);
  expect(await sourcesOf(membersKey.apiKey.id)).toEqual(["CACHE 0"]);
});
