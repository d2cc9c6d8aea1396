// The real Claude Code (the npm release scripts/real-clients.ts pins),
// configured as the README says, in front of a real gateway process and the
// three fake providers, for a Claude, a GPT and a Gemini model through
// /v1/messages. The fakes script the model's turns; Claude Code runs its Bash
// tool locally, as it would for a user.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startFakeAnthropic } from "#scripts/fake-providers/anthropic.ts";
import type { FakeProvider } from "#scripts/fake-providers/fake-server.ts";
import { startFakeGemini } from "#scripts/fake-providers/gemini.ts";
import { startFakeOpenAI } from "#scripts/fake-providers/openai.ts";
import type { FakeScript, ReceivedRequest } from "#scripts/fake-providers/script.ts";
import { clientBin, REAL_CLIENTS } from "#scripts/real-clients.ts";
import { createPrismaClient, type Prisma } from "../../app/db/prisma.server.ts";
import { setupTestDatabase } from "../support/database.ts";
import { createApiKey, createUser } from "../support/factories.ts";
import { startGateway, type GatewayProcess } from "../support/gateway-process.ts";
import { expectLedgerClean } from "../support/ledger-totals.ts";
import {
  expectBilledExactly,
  readmeBlock,
  removeThrowawayDirs,
  runClient,
  throwawayDir,
} from "../support/real-clients.ts";

const db = setupTestDatabase();
let prisma: Prisma;
let gateway: GatewayProcess;
const fakes = {} as Record<"openai" | "anthropic" | "google", FakeProvider>;

// Claude Code asks Claude models for 128,000 output tokens: the hold needs US$1.28 of credit.
const CREDITS = 5_000;
/** What the fakes report for every turn, so that each charge can be checked to the µcr. */
const USAGE = { input: 2_000, cached: 500, cacheWrite: 0, output: 30, reasoning: 0 };
/** Claude Code's background model (the README's ANTHROPIC_DEFAULT_HAIKU_MODEL), on its own queue. */
const BACKGROUND_MODEL = "claude-haiku-5-5";

beforeAll(async () => {
  prisma = createPrismaClient(db.url);
  [fakes.openai, fakes.anthropic, fakes.google] = await Promise.all([
    startFakeOpenAI(),
    startFakeAnthropic(),
    startFakeGemini(),
  ]);
  gateway = await startGateway({
    DATABASE_URL: db.url,
    // Seeds the catalog (claude-sonnet-5-5, gpt-6.2-sol, gemini-4-neon...), as `npm start` does.
    MIGRATE_ON_START: "true",
    OPENAI_API_KEY: "sk-fake",
    OPENAI_BASE_URL: fakes.openai.baseUrl,
    ANTHROPIC_API_KEY: "sk-ant-fake",
    ANTHROPIC_BASE_URL: fakes.anthropic.baseUrl,
    GEMINI_API_KEY: "fake-gemini-key",
    GEMINI_BASE_URL: fakes.google.baseUrl,
    LOG_LEVEL: "warn",
  });
});
afterAll(async () => {
  await gateway?.stop();
  await expectLedgerClean(prisma);
  await Promise.all(Object.values(fakes).map((fake) => fake.close()));
  await prisma.$disconnect();
  removeThrowawayDirs();
});

/** The README's environment for Claude Code (its `export` lines), pointed at this gateway. */
function claudeEnvironment(model: string, secret: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, name, value] of readmeBlock("Point Claude Code at the gateway", "sh").matchAll(
    /^export (\w+)=(\S+)/gm,
  ))
    env[name!] = value!.replace("http://localhost:3000", gateway.baseUrl);
  expect(env).toMatchObject({ ANTHROPIC_AUTH_TOKEN: "$GATEWAY_KEY" });
  return {
    ...env,
    ANTHROPIC_AUTH_TOKEN: secret,
    ANTHROPIC_MODEL: model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: BACKGROUND_MODEL,
    HOME: throwawayDir("claude-home-"),
  };
}

async function claude(env: Record<string, string>, cwd: string, args: string[]) {
  const run = await runClient(clientBin("claude"), ["-p", ...args, "--allowedTools", "Bash"], {
    cwd,
    // As root, Claude Code refuses --dangerously-skip-permissions: --allowedTools grants Bash.
    env: { ...env, HOME: env.HOME! },
    timeoutMs: 60_000,
  });
  expect(run.code, `claude exited with ${run.code}:\n${run.stdout}\n${run.stderr}`).toBe(0);
  return run;
}

const KINDS = [
  { model: "claude-sonnet-5-5", provider: "anthropic" as const },
  { model: "gpt-6.2-sol", provider: "openai" as const },
  { model: "gemini-4-neon", provider: "google" as const },
];

const bodyText = (received: ReceivedRequest) => JSON.stringify(received.body);

/** The model a provider was asked for: in the body (OpenAI, Anthropic) or the path (Gemini). */
const upstreamModel = (received: ReceivedRequest) =>
  (received.body as { model?: string }).model ?? /\/models\/([^:/]+):/.exec(received.path)?.[1];

describe.each(KINDS)(`Claude Code ${REAL_CLIENTS.claude.version} with $model`, (kind) => {
  const fake = () => fakes[kind.provider];
  const turn = (script: FakeScript) =>
    fake().scripts.enqueue(kind.model, { usage: USAGE, ...script });
  /** The requests for this model (Claude Code may also ask its background model). */
  const received = () =>
    fake().scripts.received.filter((request) => upstreamModel(request) === kind.model);

  test("a plain answer, streamed", async () => {
    const user = await createUser(prisma, { credits: CREDITS });
    const { secret } = await createApiKey(prisma, user.id);
    fake().scripts.received.length = 0;
    turn({ chunks: ["Hello", " from", " the", " gateway."] });

    const run = await claude(claudeEnvironment(kind.model, secret), throwawayDir("claude-work-"), [
      "Say hello",
    ]);

    expect(run.stdout.trim()).toBe("Hello from the gateway.");
    expect(received()).toHaveLength(1);
    expect(bodyText(received()[0]!)).toContain("Say hello");
    await expectBilled(user.id, 1, kind.model);
  });

  test("a Bash command runs in Claude Code, then --continue carries the conversation", async () => {
    const user = await createUser(prisma, { credits: CREDITS });
    const { secret } = await createApiKey(prisma, user.id);
    const env = claudeEnvironment(kind.model, secret);
    const work = throwawayDir("claude-work-");
    fake().scripts.received.length = 0;
    turn({
      toolCalls: [
        {
          id: "toolu_bash",
          name: "Bash",
          arguments: JSON.stringify({
            command: `echo bash-said-${kind.provider} > made-by-bash.txt && cat made-by-bash.txt`,
            description: "Write a file",
          }),
        },
      ],
    });
    turn({ text: "Wrote the file." });

    const run = await claude(env, work, ["Write a file with Bash"]);

    expect(run.stdout.trim()).toBe("Wrote the file.");
    expect(readFileSync(join(work, "made-by-bash.txt"), "utf8")).toBe(
      `bash-said-${kind.provider}\n`,
    );
    const [first, second] = received();
    expect(received()).toHaveLength(2);
    expect(bodyText(first!)).toContain("Bash");
    // The command's output came back to the model.
    expect(bodyText(second!)).toContain(`bash-said-${kind.provider}`);

    turn({ text: "Continued." });
    const continued = await claude(env, work, ["--continue", "And now?"]);
    expect(continued.stdout.trim()).toBe("Continued.");
    const third = received()[2]!;
    expect(bodyText(third)).toContain("Write a file with Bash");
    expect(bodyText(third)).toContain(`bash-said-${kind.provider}`);
    expect(bodyText(third)).toContain("And now?");
    await expectBilled(user.id, 3, kind.model);
  });
});

/** A 2x2 PNG (red, green, blue, white), as Claude Code's Read tool shows images to the model. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAAMIM/4EAAB/uBfsL2WiLAAAAAElFTkSuQmCC",
  "base64",
);

/** Where a provider's request carries an image, in its own shape. */
const IMAGE_IN = {
  anthropic: /"type":"image","source":\{"type":"base64","data":"[^"]+","media_type":"image\/png"/,
  openai: /"image_url":\{"url":"data:image\/png;base64,/,
  google: /"inlineData":\{"mimeType":"image\/png"/,
};

describe.each(KINDS)("Claude Code reading an image, with $model", (kind) => {
  test("the image its Read tool returns reaches the model", async () => {
    const user = await createUser(prisma, { credits: CREDITS });
    const { secret } = await createApiKey(prisma, user.id);
    const work = throwawayDir("claude-work-");
    writeFileSync(join(work, "pixels.png"), PNG);
    const fake = fakes[kind.provider];
    fake.scripts.received.length = 0;
    fake.scripts.enqueue(
      kind.model,
      {
        usage: USAGE,
        toolCalls: [
          {
            id: "toolu_read",
            name: "Read",
            arguments: JSON.stringify({ file_path: join(work, "pixels.png") }),
          },
        ],
      },
      { usage: USAGE, text: "Four pixels." },
    );

    const run = await claude(claudeEnvironment(kind.model, secret), work, [
      "What is in pixels.png?",
      "--allowedTools",
      "Read",
    ]);

    expect(run.stdout.trim()).toBe("Four pixels.");
    const second = fake.scripts.received.filter(
      (request) => upstreamModel(request) === kind.model,
    )[1]!;
    expect(bodyText(second)).toMatch(IMAGE_IN[kind.provider]);
    await expectBilled(user.id, 2, kind.model);
  });
});

/** A one-page PDF saying "Hello PDF". */
const PDF = Buffer.from(
  "JVBERi0xLjQKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4KZW5kb2JqCjIgMCBvYmoKPDwgL1R5cGUgL1BhZ2VzIC9LaWRzIFszIDAgUl0gL0NvdW50IDEgPj4KZW5kb2JqCjMgMCBvYmoKPDwgL1R5cGUgL1BhZ2UgL1BhcmVudCAyIDAgUiAvTWVkaWFCb3ggWzAgMCAyMDAgMTAwXSAvQ29udGVudHMgNCAwIFIgL1Jlc291cmNlcyA8PCAvRm9udCA8PCAvRjEgNSAwIFIgPj4gPj4gPj4KZW5kb2JqCjQgMCBvYmoKPDwgL0xlbmd0aCAzOSA+PgpzdHJlYW0KQlQgL0YxIDEyIFRmIDIwIDUwIFRkIChIZWxsbyBQREYpIFRqIEVUCmVuZHN0cmVhbQplbmRvYmoKNSAwIG9iago8PCAvVHlwZSAvRm9udCAvU3VidHlwZSAvVHlwZTEgL0Jhc2VGb250IC9IZWx2ZXRpY2EgPj4KZW5kb2JqCnhyZWYKMCA2CjAwMDAwMDAwMDAgNjU1MzUgZiAKMDAwMDAwMDAwOSAwMDAwMCBuIAowMDAwMDAwMDU4IDAwMDAwIG4gCjAwMDAwMDAxMTUgMDAwMDAgbiAKMDAwMDAwMDI0MSAwMDAwMCBuIAowMDAwMDAwMzMwIDAwMDAwIG4gCnRyYWlsZXIKPDwgL1NpemUgNiAvUm9vdCAxIDAgUiA+PgpzdGFydHhyZWYKNDAwCiUlRU9GCg==",
  "base64",
);

/** How a provider's request carries a PDF, in its own shape (the data follows). */
const PDF_IN = {
  anthropic: '"type":"document","source":{"type":"base64"',
  openai: '"type":"file","file":{"file_data":"data:application/pdf;base64,',
  google: '"inlineData":{"mimeType":"application/pdf"',
};

describe.each(KINDS)("Claude Code reading a PDF, with $model", (kind) => {
  test("the document its Read tool returns reaches the model", async () => {
    const user = await createUser(prisma, { credits: CREDITS });
    const { secret } = await createApiKey(prisma, user.id);
    const work = throwawayDir("claude-work-");
    writeFileSync(join(work, "hello.pdf"), PDF);
    const fake = fakes[kind.provider];
    fake.scripts.received.length = 0;
    fake.scripts.enqueue(
      kind.model,
      {
        usage: USAGE,
        toolCalls: [
          {
            id: "toolu_read",
            name: "Read",
            arguments: JSON.stringify({ file_path: join(work, "hello.pdf") }),
          },
        ],
      },
      { usage: USAGE, text: "It says hello." },
    );

    const run = await claude(claudeEnvironment(kind.model, secret), work, [
      "What does hello.pdf say?",
      "--allowedTools",
      "Read",
    ]);

    expect(run.stdout.trim()).toBe("It says hello.");
    const second = fake.scripts.received.filter(
      (request) => upstreamModel(request) === kind.model,
    )[1]!;
    expect(bodyText(second)).toContain(PDF_IN[kind.provider]);
    expect(bodyText(second)).toContain(PDF.toString("base64"));
    await expectBilled(user.id, 2, kind.model);
  });
});

/**
 * One completed charge per call of the model, each the scripted usage at the
 * mapping's prices, to the µcr; and the balance is the top-up less every
 * charge (the background model's included).
 */
const expectBilled = (userId: string, calls: number, model: string) =>
  expectBilledExactly(prisma, {
    userId,
    calls,
    model,
    endpoint: "/v1/messages",
    usage: USAGE,
    credits: CREDITS,
  });
