// A provider failing request after request is skipped for a while: the
// model's next provider answers at once, without waiting for the failure.
import OpenAI from "openai";
import { beforeAll, expect, test } from "vitest";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";

// Long enough that five requests fit in the window on a loaded CI machine (400 ms did not).
const OPEN_MS = 3_000;
const { prisma, harness } = setupGatewayHarness({
  breaker: { threshold: 3, openMs: OPEN_MS },
  checkLedger: true,
});

beforeAll(async () => {
  await createCatalogEntry(prisma, { modelSlug: "shaky", upstreamModel: "shaky-primary" });
  await createCatalogEntry(prisma, {
    modelSlug: "shaky",
    providerSlug: "openai-backup",
    upstreamModel: "shaky-backup",
    priority: 1,
  });
});

test("after 3 failed requests the provider is skipped for the window, then tried once more", async () => {
  const user = await createUser(prisma, { credits: 100 });
  const { secret } = await createApiKey(prisma, user.id);
  const client = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
  const ask = () =>
    client.chat.completions.create({ model: "shaky", messages: [{ role: "user", content: "Hi" }] });
  const primary = harness.fakes.openai.scripts;
  primary.defaultScript = { status: 500 };

  // Closed: each request tries the primary twice, then the backup answers.
  for (let i = 0; i < 3; i++) expect((await ask()).choices[0]!.message.content).toBeTruthy();
  expect(primary.received).toHaveLength(6);

  // Open: the backup answers at once; the primary hears nothing.
  for (let i = 0; i < 5; i++) expect((await ask()).choices[0]!.message.content).toBeTruthy();
  expect(primary.received).toHaveLength(6);
  expect(harness.fakes["openai-backup"].scripts.received).toHaveLength(8);

  // Half-open after the window: one request tries the primary again; it is well now.
  await new Promise((resolve) => setTimeout(resolve, OPEN_MS + 50));
  primary.defaultScript = { text: "Back again." };
  expect((await ask()).choices[0]!.message.content).toBe("Back again.");
  expect((await ask()).choices[0]!.message.content).toBe("Back again.");
  expect(primary.received).toHaveLength(8);
  primary.reset();
});

test("embeddings too: after 3 failures the provider is skipped and the next one answers at once", async () => {
  await createCatalogEntry(prisma, { modelSlug: "shaky-embed", upstreamModel: "embed-primary" });
  await createCatalogEntry(prisma, {
    modelSlug: "shaky-embed",
    providerSlug: "openai-backup",
    upstreamModel: "embed-backup",
    priority: 1,
  });
  const user = await createUser(prisma, { credits: 100 });
  const { secret } = await createApiKey(prisma, user.id);
  const client = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
  const embed = () => client.embeddings.create({ model: "shaky-embed", input: "hello" });
  const primary = harness.fakes.openai.scripts;
  const backup = harness.fakes["openai-backup"].scripts;
  primary.reset();
  backup.reset();
  primary.defaultScript = { status: 500 };

  for (let i = 0; i < 3; i++) expect((await embed()).data).toHaveLength(1);
  expect(primary.received).toHaveLength(3);
  for (let i = 0; i < 4; i++) expect((await embed()).data).toHaveLength(1);
  expect(primary.received).toHaveLength(3);
  expect(backup.received).toHaveLength(7);
  primary.reset();
});
