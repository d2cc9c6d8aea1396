// The playground (ADR 070) in Chromium against the production build, in front of the
// three fake providers: one question to three models side by side, each column streamed
// and its cost checked against its usage row; Stop billed for what was produced; the
// "View code" snippets run as they are shown; a conversation renamed, kept per person;
// columns as tabs on a phone; without JavaScript a form post that renders the answer.
// Screenshots land in test-results/playground-*.png.
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Page } from "playwright-core";
import { afterAll, expect, test } from "vitest";
import { startFakeAnthropic } from "#scripts/fake-providers/anthropic.ts";
import { startFakeGemini } from "#scripts/fake-providers/gemini.ts";
import { microToCredits } from "../../app/utils/money.ts";
import { SCREENSHOTS, setupBrowserGateway, shot } from "../support/browser-gateway.ts";
import { hiddenContent, seriousViolations, signUpInBrowser } from "../support/browser.ts";
import { createApiKey } from "../support/factories.ts";

const run = promisify(execFile);
const [anthropic, google] = await Promise.all([startFakeAnthropic(), startFakeGemini()]);
afterAll(() => Promise.all([anthropic.close(), google.close()]));

const env = setupBrowserGateway({
  env: () => ({
    // The catalog and its providers, as a first local start has them (gpt-6.2-sol, claude-sonnet-5-5, gemini-4-neon).
    MIGRATE_ON_START: "true",
    ANTHROPIC_API_KEY: "sk-ant-fake",
    ANTHROPIC_BASE_URL: anthropic.baseUrl,
    GEMINI_API_KEY: "fake-gemini-key",
    GEMINI_BASE_URL: google.baseUrl,
  }),
});

const url = (path: string) => env.gateway.baseUrl + path;
const MODELS = ["gpt-6.2-sol", "claude-sonnet-5-5", "gemini-4-neon"];
const ANSWERS: Record<string, string> = {
  "gpt-6.2-sol": "Sol says: the sky is blue because of Rayleigh scattering.",
  "claude-sonnet-5-5": "Sonnet says: shorter wavelengths scatter more.",
  "gemini-4-neon": "Neon says: blue light bounces around the atmosphere.",
};

/** What each provider answers, with its own usage: `scale` makes the three differ. */
function scriptFakes(script: (text: string, scale: number) => object) {
  env.fake.scripts.defaultScript = script(ANSWERS["gpt-6.2-sol"]!, 1);
  anthropic.scripts.defaultScript = script(ANSWERS["claude-sonnet-5-5"]!, 2);
  google.scripts.defaultScript = script(ANSWERS["gemini-4-neon"]!, 3);
}

async function signUpWithCredits(page: Page, email: string) {
  await signUpInBrowser(page, env.gateway.baseUrl, email);
  await page.goto(url("/dashboard/credits"));
  await page.getByRole("button", { name: "Add 1,000 free credits" }).click();
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Added/);
}

/** Each shown answer's cost beside its usage row's: [model, shown, row's, key name, status]. */
async function shownCosts(page: Page, turn: number) {
  const shown = [];
  for (const model of MODELS) {
    const stats = page
      .getByRole("region", { name: `${model} answers` })
      .getByRole("article", { name: `${model}, turn ${turn}` })
      .getByLabel("Answer's usage");
    const requestId = await stats.getAttribute("data-request-id");
    const cost = await stats.locator("[data-cost]").textContent();
    const row = await env.prisma.conversation.findUniqueOrThrow({
      where: { requestId: requestId! },
      include: { apiKey: { select: { name: true } } },
    });
    shown.push([model, cost, microToCredits(row.cost), row.modelSlug, row.apiKey.name, row.status]);
  }
  return shown;
}

test("three models side by side: each column streams, and its cost is its usage row's", async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const email = `playground-${crypto.randomUUID()}@example.test`;
  await signUpWithCredits(page, email);
  // A model's page leads here with it as the first column.
  await page.goto(url("/models/gemini-4-neon"));
  await page.getByRole("link", { name: "Try in playground" }).click();
  await page.waitForURL(/\/dashboard\/playground\?models=gemini-4-neon$/);
  expect(await page.getByLabel("Model 1").inputValue()).toBe("gemini-4-neon");
  // Several at once through the address.
  await page.goto(url(`/dashboard/playground?models=${MODELS.join(",")}`));
  expect(await page.getByLabel("Model 3").inputValue()).toBe("gemini-4-neon");
  scriptFakes((text, scale) => ({
    text,
    usage: { input: 1_200 * scale, output: 35 * scale },
    chunkDelayMs: 60,
  }));
  await page.getByRole("textbox", { name: "Message" }).fill("Why is the sky blue?");
  await page.getByRole("button", { name: "Send" }).click();
  // Streaming: a column shows part of its answer while it is still busy.
  const sol = page.getByRole("region", { name: "gpt-6.2-sol answers" });
  await expect
    .poll(
      async () => {
        const article = sol.getByRole("article", { name: "gpt-6.2-sol, turn 1" });
        const busy = await article.getAttribute("aria-busy").catch(() => null);
        const text = (await article.textContent().catch(() => "")) ?? "";
        return busy === "true" && text.length > 0 && !text.includes("scattering.");
      },
      { timeout: 10_000, interval: 20 },
    )
    .toBe(true);
  await page.waitForURL(/\/dashboard\/playground\/[0-9a-f-]{36}$/);
  for (const model of MODELS)
    await expect
      .poll(
        () =>
          page
            .getByRole("region", { name: `${model} answers` })
            .getByLabel("Answer's usage")
            .count(),
        { timeout: 15_000 },
      )
      .toBe(1);
  for (const model of MODELS)
    expect(await page.getByRole("region", { name: `${model} answers` }).textContent()).toContain(
      ANSWERS[model],
    );
  const costs = await shownCosts(page, 1);
  console.log(
    "playground columns (model, shown, usage row, row model, key, status):",
    JSON.stringify(costs),
  );
  for (const [model, shown, rowCost, rowModel, keyName, status] of costs) {
    expect(shown).toBe(rowCost);
    expect(rowModel).toBe(model);
    expect(keyName).toBe("Playground");
    expect(status).toBe("SUCCESS");
    expect(Number(shown)).toBeGreaterThan(0);
  }
  // Three models, three different usages: three different costs.
  expect(new Set(costs.map((cost) => cost[1])).size).toBe(3);
  // Each provider got the question once.
  for (const fake of [env.fake, anthropic, google])
    expect(
      fake.scripts.received.filter((request) => request.path.match(/chat|messages|generate/i)),
    ).toHaveLength(1);
  await shot(page, "playground-side-by-side");
  expect(await seriousViolations(page)).toEqual([]);

  // The playground's key is the dashboard's: not on the Keys page, but the usage page names it.
  await page.goto(url("/dashboard/keys"));
  expect(
    await page.getByRole("main").getByRole("link", { name: "Playground", exact: true }).count(),
  ).toBe(0);
  await page.goto(url("/dashboard/usage"));
  expect(await page.getByRole("main").textContent()).toContain("Playground");

  // A second turn, stopped midway: billed for what was produced, the partial answer kept.
  await page.goBack();
  await page.goBack();
  await page.waitForURL(/\/dashboard\/playground\/[0-9a-f-]{36}$/);
  scriptFakes((text) => ({
    text: text.repeat(6),
    usage: { input: 1_300, output: 80 },
    chunkDelayMs: 150,
  }));
  await page.getByRole("textbox", { name: "Message" }).fill("Say it again, at length.");
  await page.getByRole("button", { name: "Send" }).click();
  await expect
    .poll(() => sol.getByRole("article", { name: "gpt-6.2-sol, turn 2" }).textContent(), {
      timeout: 10_000,
    })
    .toMatch(/Sol/);
  await page.getByRole("button", { name: "Stop" }).click();
  await expect
    .poll(() => page.getByText("Stopped: billed for what was produced.").count(), {
      timeout: 10_000,
    })
    .toBe(3);
  const chatId = page.url().split("/").pop()!;
  await expect
    .poll(
      async () => {
        const answers = await env.prisma.playgroundMessage.findMany({
          where: { chatId, turn: 2, model: { not: null } },
        });
        return answers.map((answer) => answer.error).sort();
      },
      { timeout: 10_000 },
    )
    .toEqual(["stopped", "stopped", "stopped"]);
  const stopped = await env.prisma.playgroundMessage.findMany({
    where: { chatId, turn: 2, model: { not: null } },
  });
  // A cut stream's usage row is written as the gateway settles it, maybe after the answer was kept.
  const stoppedRows = () =>
    env.prisma.conversation.findMany({
      where: { requestId: { in: stopped.map((answer) => answer.requestId!) } },
    });
  await expect.poll(async () => (await stoppedRows()).length, { timeout: 10_000 }).toBe(3);
  const rows = await stoppedRows();
  console.log(
    "stopped turn (status, output tokens, cost):",
    JSON.stringify(
      rows.map((row) => [row.modelSlug, row.status, row.outputTokens, String(row.cost)]),
    ),
  );
  expect(rows.map((row) => row.status)).toEqual(["CANCELLED", "CANCELLED", "CANCELLED"]);
  for (const row of rows) expect(row.cost).toBeGreaterThan(0n);
  for (const answer of stopped) expect(answer.content.length).toBeGreaterThan(0);

  // Renamed; another person cannot open it.
  await page.reload();
  await page.getByText("Rename").click();
  await page.getByLabel("New title").fill("Sky colours");
  await page.getByRole("button", { name: "Save" }).click();
  await expect
    .poll(() => page.getByRole("navigation", { name: "Conversations", exact: true }).textContent())
    .toContain("Sky colours");
  const stranger = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signUpInBrowser(
    stranger,
    env.gateway.baseUrl,
    `stranger-${crypto.randomUUID()}@example.test`,
  );
  const refused = await stranger.goto(url(`/dashboard/playground/${chatId}`));
  expect(refused?.status()).toBe(404);
  await stranger.goto(url("/dashboard/playground"));
  expect(
    await stranger.getByRole("navigation", { name: "Conversations", exact: true }).textContent(),
  ).toContain("No conversations yet.");

  // On a phone the columns are tabs.
  const phone = await env.browser.newPage({ viewport: { width: 390, height: 844 } });
  await phone.context().addCookies(await page.context().cookies());
  await phone.goto(url(`/dashboard/playground/${chatId}`));
  const tabs = phone.getByRole("tab");
  await expect.poll(() => tabs.count()).toBe(3);
  expect(await phone.getByRole("region", { name: "gpt-6.2-sol answers" }).isVisible()).toBe(true);
  expect(await phone.getByRole("region", { name: "claude-sonnet-5-5 answers" }).isVisible()).toBe(
    false,
  );
  await phone.getByRole("tab", { name: "claude-sonnet-5-5" }).click();
  expect(await phone.getByRole("region", { name: "claude-sonnet-5-5 answers" }).isVisible()).toBe(
    true,
  );
  expect(await hiddenContent(phone)).toEqual([]);
  await shot(phone, "playground-phone-tabs");
  expect(await seriousViolations(phone)).toEqual([]);

  // Delete it.
  await page.getByLabel("Confirm deleting Sky colours").check();
  await page.getByRole("button", { name: "Delete" }).click();
  await page.waitForURL(/\/dashboard\/playground$/);
  expect(await env.prisma.playgroundChat.count({ where: { id: chatId } })).toBe(0);
}, 120_000);

test("View code: the curl and the SDK snippets run as shown against the gateway", async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const email = `code-${crypto.randomUUID()}@example.test`;
  await signUpWithCredits(page, email);
  scriptFakes((text) => ({ text, usage: { input: 100, output: 12 } }));
  await page.goto(url("/dashboard/playground?models=gpt-6.2-sol"));
  await page.locator("summary", { hasText: "Settings" }).click();
  await page.getByLabel("System prompt").fill("Answer in one line. It's short.");
  await page.getByLabel(/^Temperature/).fill("0.4");
  await page.getByLabel(/^Max tokens/).fill("200");
  await page.getByRole("textbox", { name: "Message" }).fill("What's blue?");
  await page.getByRole("button", { name: "Send" }).click();
  await page.waitForURL(/\/dashboard\/playground\/[0-9a-f-]{36}$/);
  await expect.poll(() => page.getByLabel("Answer's usage").count(), { timeout: 15_000 }).toBe(1);
  await page.reload();
  await page.getByText("View code").click();
  const code = async (name: string) =>
    (await page.getByRole("region", { name }).locator("pre").textContent())!;
  const user = await env.prisma.user.findUniqueOrThrow({ where: { email } });
  const { secret } = await createApiKey(env.prisma, user.id, { name: "snippets" });
  const shell = { env: { ...process.env, GATEWAY_API_KEY: secret } };

  const curl = await run("bash", ["-c", await code("curl")], shell);
  expect(curl.stdout).toContain("data: ");
  expect(curl.stdout).toContain('"content":"Sol "');
  expect(curl.stdout).toContain('"cost_credits"');
  // What the provider got from the curl: the chat's settings.
  const sent = env.fake.scripts.received.at(-1)!.body as Record<string, unknown>;
  expect(sent).toMatchObject({
    model: "gpt-6.2-sol",
    temperature: 0.4,
    messages: [
      { role: "system", content: "Answer in one line. It's short." },
      { role: "user", content: "What's blue?" },
    ],
  });
  expect(sent.max_tokens ?? sent.max_completion_tokens).toBe(200);

  // The TypeScript snippets, as files next to this repository's node_modules.
  const dir = join(SCREENSHOTS, "snippets");
  mkdirSync(dir, { recursive: true });
  for (const [name, file] of [
    ["TypeScript (openai)", "openai-snippet.mts"],
    ["TypeScript (Anthropic SDK)", "anthropic-snippet.mts"],
  ] as const) {
    writeFileSync(join(dir, file), await code(name));
    const { stdout } = await run(process.execPath, [join(dir, file)], shell);
    expect(stdout).toContain(ANSWERS["gpt-6.2-sol"]);
  }
  // Python: no openai package here, so its call's arguments are read back as Python literals.
  const python = await code("Python (openai)");
  writeFileSync(join(dir, "snippet.py"), python);
  const parsed = await run("python3", [
    "-c",
    "import ast, json, sys; tree = ast.parse(open(sys.argv[1]).read()); " +
      "call = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, 'attr', '') == 'create'][0]; " +
      "print(json.dumps({k.arg: ast.literal_eval(k.value) for k in call.keywords}))",
    join(dir, "snippet.py"),
  ]);
  const kwargs = JSON.parse(parsed.stdout) as Record<string, unknown>;
  expect(kwargs).toMatchObject({
    model: "gpt-6.2-sol",
    temperature: 0.4,
    max_tokens: 200,
    stream: true,
    messages: [
      { role: "system", content: "Answer in one line. It's short." },
      { role: "user", content: "What's blue?" },
    ],
  });
}, 120_000);

test("without JavaScript, on a phone: a form post sends the message and renders the answer with its cost", async () => {
  // Signing up and the free credits are forms too: all of it without JavaScript.
  const noJs = await env.browser.newContext({
    javaScriptEnabled: false,
    viewport: { width: 390, height: 844 },
  });
  const phone = await noJs.newPage();
  await phone.goto(url("/signup"));
  await phone.getByLabel("Email").fill(`nojs2-${crypto.randomUUID()}@example.test`);
  await phone.getByLabel(/^Password/).fill("a long enough password");
  await phone.getByRole("button", { name: "Create account" }).click();
  await phone.waitForURL(url("/dashboard"));
  await phone.goto(url("/dashboard/credits"));
  await phone.getByRole("button", { name: "Add 1,000 free credits" }).click();
  await phone.waitForLoadState();
  scriptFakes((text) => ({ text, usage: { input: 90, output: 20 } }));
  await phone.goto(url("/dashboard/playground"));
  await phone.getByLabel("Model 1").selectOption("gpt-6.2-sol");
  await phone.getByLabel("Model 2").selectOption("gemini-4-neon");
  await phone.getByRole("textbox", { name: "Message" }).fill("Why is the sky blue?");
  await phone.getByRole("button", { name: "Send" }).click();
  await phone.waitForURL(/\/dashboard\/playground\/[0-9a-f-]{36}$/);
  for (const model of ["gpt-6.2-sol", "gemini-4-neon"]) {
    const region = phone.getByRole("region", { name: `${model} answers` });
    expect(await region.textContent()).toContain(ANSWERS[model]);
    const stats = region.getByLabel("Answer's usage");
    const row = await env.prisma.conversation.findUniqueOrThrow({
      where: { requestId: (await stats.getAttribute("data-request-id"))! },
    });
    expect(await stats.locator("[data-cost]").textContent()).toBe(microToCredits(row.cost));
    expect(row.stream).toBe(false);
  }
  // A message left empty is answered beside its field, nothing sent.
  const before = env.fake.scripts.received.length;
  await phone.getByRole("button", { name: "Send" }).click();
  await phone.waitForLoadState();
  expect(await phone.getByText("Write a message").count()).toBeGreaterThan(0);
  expect(env.fake.scripts.received.length).toBe(before);
  expect(await hiddenContent(phone)).toEqual([]);
  await shot(phone, "playground-no-js-phone");
  await noJs.close();
}, 120_000);
