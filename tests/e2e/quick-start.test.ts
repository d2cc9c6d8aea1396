// The overview's quick start, as a newcomer uses it (issue #23): each snippet is
// copied from the page in Chromium (the Copy button says "Copied"), the key pasted
// into its first line, and the whole block run in bash, for real, against the
// gateway process and the fake OpenAI: curl, Python (standard library) and
// TypeScript (the openai SDK, run by Node). Each must print a streamed answer.
import { execFile } from "node:child_process";
import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, test } from "vitest";
import { KEY_PLACEHOLDER } from "../../app/usage/quick-start-snippets.ts";
import { setupBrowserGateway, shot } from "../support/browser-gateway.ts";
import {
  createApiKey,
  createCatalogEntry,
  createUser,
  TEST_PASSWORD,
} from "../support/factories.ts";

const run = promisify(execFile);
const env = setupBrowserGateway({
  prepare: async (prisma) => {
    await createCatalogEntry(prisma, {
      modelSlug: "gpt-quick",
      usd: { input: "2.00", cachedInput: "0.20", output: "8.00" },
    });
  },
});
const ANSWER = "Hello from the fake provider.";

/** The text of a stream's content deltas, from curl's raw server-sent events. */
const streamedText = (events: string) =>
  events
    .split("\n")
    .filter((line) => line.startsWith("data: {"))
    .map((line) => JSON.parse(line.slice(6)) as { choices: { delta: { content?: string } }[] })
    .map((chunk) => chunk.choices.map((choice) => choice.delta.content ?? "").join(""))
    .join("");

test("each snippet, copied from the overview and run as it is, streams an answer; Copy says Copied", async () => {
  const user = await createUser(env.prisma, { credits: 100 });
  const { secret } = await createApiKey(env.prisma, user.id);
  const context = await env.browser.newContext({
    viewport: { width: 1280, height: 900 },
    permissions: ["clipboard-read", "clipboard-write"],
  });
  const page = await context.newPage();
  await page.goto(`${env.gateway.baseUrl}/login`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${env.gateway.baseUrl}/dashboard`);

  // Each program runs in a fresh directory; the TypeScript one finds the openai
  // package there, as after the `npm install openai` its comment asks for.
  const workDir = mkdtempSync(join(tmpdir(), "gw-quick-start-"));
  symlinkSync(join(import.meta.dirname, "..", "..", "node_modules"), join(workDir, "node_modules"));
  const outputs: Record<string, string> = {};
  for (const language of ["curl", "Python", "TypeScript"]) {
    const button = page
      .locator("figure", { has: page.getByTestId(`snippet-${language}`) })
      .getByRole("button");
    expect(await button.textContent()).toBe(`Copy ${language}`);
    await button.click();
    await expect.poll(() => button.textContent()).toBe("Copied");
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await page.getByTestId(`snippet-${language}`).textContent());
    expect(copied.split("\n")[0]).toContain(`export GATEWAY_KEY="${KEY_PLACEHOLDER}"`);
    expect(copied).toContain("gpt-quick");
    const { stdout } = await run("bash", ["-c", copied.replace(KEY_PLACEHOLDER, secret)], {
      cwd: workDir,
      env: { PATH: process.env.PATH ?? "", HOME: workDir },
      timeout: 60_000,
    });
    outputs[language] = stdout;
  }
  await shot(page, "quick-start-copied");

  expect(outputs.curl).toContain("data: [DONE]");
  expect(streamedText(outputs.curl!)).toBe(ANSWER);
  expect(outputs.Python).toBe(`${ANSWER}\n`);
  expect(outputs.TypeScript).toBe(`${ANSWER}\n`);
  // Each was a streamed request, billed to the key's account.
  const calls = await env.prisma.conversation.findMany({ where: { userId: user.id } });
  expect(calls.map((call) => call.stream)).toEqual([true, true, true]);
  expect(calls.every((call) => call.cost > 0n)).toBe(true);
  await context.close();
}, 120_000);

test("the new key's Copy button copies the secret and says Copied", async () => {
  const user = await createUser(env.prisma);
  const context = await env.browser.newContext({
    viewport: { width: 390, height: 844 },
    permissions: ["clipboard-read", "clipboard-write"],
  });
  const page = await context.newPage();
  await page.goto(`${env.gateway.baseUrl}/login?redirectTo=/dashboard/keys`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${env.gateway.baseUrl}/dashboard/keys`);
  await page.getByLabel("Name").fill("copied key");
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = (await page.getByTestId("new-secret").textContent({ timeout: 10_000 }))!.trim();
  // Found by place, not by name: its name changes when it is pressed.
  const copy = page.getByTestId("new-secret").locator("..").getByRole("button");
  expect(await copy.textContent()).toBe("Copy");
  await copy.click();
  await expect.poll(() => copy.textContent()).toBe("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  // The card also says where to point an SDK.
  expect(await page.getByTestId("base-url").textContent()).toBe(`${env.gateway.baseUrl}/v1`);
  await shot(page, "key-secret-copied-phone");
  await context.close();
});

test("the dashboard's Models link stays in the dashboard: its header, the account in use, the price table", async () => {
  const user = await createUser(env.prisma);
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${env.gateway.baseUrl}/login`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${env.gateway.baseUrl}/dashboard`);
  await page.getByRole("navigation").getByRole("link", { name: "Models" }).first().click();
  await page.waitForURL(`${env.gateway.baseUrl}/dashboard/models`);
  expect(await page.locator("summary[aria-label^='Account:']").isVisible()).toBe(true);
  await shot(page, "dashboard-models");
  const table = page.getByRole("table", { name: "Models" });
  await expect.poll(() => table.getByRole("row").filter({ hasText: "gpt-quick" }).count()).toBe(1);
  await page.close();
});
