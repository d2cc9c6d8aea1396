// The real Codex CLI (the npm release scripts/real-clients.ts pins), configured
// as the README says, in front of a real gateway process and the three fake
// providers. The fakes script the model's turns (a shell command, an apply_patch
// edit, an answer); Codex runs the tools locally, as it would for a user.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
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

const CREDITS = 5_000;
/** What the fakes report for every turn, so that each charge can be checked to the µcr. */
const USAGE = { input: 1_200, cached: 300, cacheWrite: 0, output: 20, reasoning: 0 };

beforeAll(async () => {
  prisma = createPrismaClient(db.url);
  [fakes.openai, fakes.anthropic, fakes.google] = await Promise.all([
    startFakeOpenAI(),
    startFakeAnthropic(),
    startFakeGemini(),
  ]);
  gateway = await startGateway({
    DATABASE_URL: db.url,
    // Seeds the catalog (gpt-6.2-sol, claude-sonnet-5-5, gemini-4-neon...), as `npm start` does.
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

/** A CODEX_HOME with the README's config.toml, pointed at this gateway and model. */
function codexHome(model: string) {
  const home = throwawayDir("codex-home-");
  const config = readmeBlock("For the Codex CLI", "toml")
    .replace(/^model = "[^"]*"/m, `model = "${model}"`)
    .replace("http://localhost:3000", gateway.baseUrl);
  writeFileSync(join(home, "config.toml"), config);
  return home;
}

async function codex(home: string, cwd: string, secret: string, args: string[]) {
  const run = await runClient(
    clientBin("codex"),
    // workspace-write: the sandbox Codex gives edits (bubblewrap, bundled with it).
    ["exec", "--skip-git-repo-check", "-s", "workspace-write", ...args],
    { cwd, env: { HOME: home, CODEX_HOME: home, GATEWAY_KEY: secret }, timeoutMs: 60_000 },
  );
  expect(run.code, `codex exited with ${run.code}:\n${run.stderr}`).toBe(0);
  return run;
}

const PATCH = "*** Begin Patch\n*** Add File: hello.txt\n+Hello from apply_patch\n*** End Patch\n";

// How each model kind's turns call Codex's tools. For the GPT models it knows,
// Codex 0.171 offers only its `exec` code-mode tool (JavaScript that calls the
// nested tools, apply_patch among them) in a `functions` namespace; other
// models get exec_command, and edit with `apply_patch` in a shell command.
const KINDS = [
  {
    model: "gpt-6.2-sol",
    provider: "openai" as const,
    // Codex's `max` effort, as the provider's request says it.
    maxEffort: { reasoning_effort: "max" },
    shell: (cmd: string) => ({
      name: "exec",
      arguments: JSON.stringify({
        input: `const r = await tools.exec_command({ cmd: ${JSON.stringify(cmd)} });\ntext(r.output);`,
      }),
    }),
    patch: () => ({
      name: "exec",
      arguments: JSON.stringify({
        input: `const r = await tools.apply_patch(${JSON.stringify(PATCH)});\ntext(JSON.stringify(r));`,
      }),
    }),
    // A tool of the `collaboration` namespace, and what Codex answers when it routed the call.
    namespaced: { name: "collaboration__list_agents", arguments: "{}" },
    namespacedOutput: "agent_name",
  },
  ...(["claude-sonnet-5-5", "gemini-4-neon"] as const).map((model) => ({
    model,
    provider: model.startsWith("claude") ? ("anthropic" as const) : ("google" as const),
    maxEffort: model.startsWith("claude")
      ? { output_config: { effort: "max" } }
      : { generationConfig: { thinkingConfig: { thinkingLevel: "XHIGH" } } },
    shell: (cmd: string) => ({ name: "exec_command", arguments: JSON.stringify({ cmd }) }),
    patch: () => ({
      name: "exec_command",
      arguments: JSON.stringify({ cmd: `apply_patch <<'EOF'\n${PATCH}EOF\n` }),
    }),
    namespaced: {
      name: "multi_agent_v1__close_agent",
      arguments: JSON.stringify({ target: "no-such-agent" }),
    },
    namespacedOutput: "invalid agent id no-such-agent",
  })),
];

/** The canonical request text a provider got: every string in its body, for looking things up. */
const bodyText = (received: ReceivedRequest) => JSON.stringify(received.body);

/** The names of the tools a provider was offered, in each provider's own shape. */
function offeredTools(received: ReceivedRequest): string[] {
  const body = received.body as {
    tools?: {
      name?: string;
      function?: { name: string };
      functionDeclarations?: { name: string }[];
    }[];
  };
  return (body.tools ?? []).flatMap((tool) =>
    tool.functionDeclarations
      ? tool.functionDeclarations.map((fn) => fn.name)
      : [tool.function?.name ?? tool.name ?? ""],
  );
}

describe.each(KINDS)(`Codex ${REAL_CLIENTS.codex.version} with $model`, (kind) => {
  const fake = () => fakes[kind.provider];
  const turn = (script: FakeScript) =>
    fake().scripts.enqueue(kind.model, { usage: USAGE, ...script });

  test("a plain answer, streamed", async () => {
    const user = await createUser(prisma, { credits: CREDITS });
    const { secret } = await createApiKey(prisma, user.id);
    fake().scripts.received.length = 0;
    turn({ chunks: ["Hello", " from", " the", " gateway."] });

    const run = await codex(codexHome(kind.model), throwawayDir("codex-work-"), secret, [
      "Say hello",
    ]);

    expect(run.stdout.trim()).toBe("Hello from the gateway.");
    const [request] = fake().scripts.received;
    expect(fake().scripts.received).toHaveLength(1);
    expect(bodyText(request!)).toContain("Say hello");
    // Codex streams every turn; the provider was asked for a stream too.
    expect(request!.path).toMatch(kind.provider === "google" ? /alt=sse/ : /./);
    if (kind.provider !== "google") expect(request!.body).toMatchObject({ stream: true });
    await expectBilled(user.id, 1);
  });

  test("the effort Codex asks for reaches the provider as the nearest level it takes", async () => {
    const user = await createUser(prisma, { credits: CREDITS });
    const { secret } = await createApiKey(prisma, user.id);
    fake().scripts.received.length = 0;
    turn({ text: "Thought hard." });

    const run = await codex(codexHome(kind.model), throwawayDir("codex-work-"), secret, [
      "-c",
      'model_reasoning_effort="max"',
      "Think",
    ]);

    expect(run.stdout.trim()).toBe("Thought hard.");
    expect(fake().scripts.received[0]!.body).toMatchObject(kind.maxEffort);
  });

  test("a shell command, a namespaced tool and an apply_patch edit run in Codex, then a resumed session", async () => {
    const user = await createUser(prisma, { credits: CREDITS });
    const { secret } = await createApiKey(prisma, user.id);
    const home = codexHome(kind.model);
    const work = throwawayDir("codex-work-");
    fake().scripts.received.length = 0;
    turn({ toolCalls: [{ id: "call_shell", ...kind.shell(`echo shell-said-${kind.provider}`) }] });
    turn({ toolCalls: [{ id: "call_namespaced", ...kind.namespaced }] });
    turn({ toolCalls: [{ id: "call_patch", ...kind.patch() }] });
    turn({ text: "Created hello.txt." });

    const run = await codex(home, work, secret, ["Create hello.txt"]);

    expect(run.stdout.trim()).toBe("Created hello.txt.");
    // The edit is on disk, made by Codex's own apply_patch.
    expect(readFileSync(join(work, "hello.txt"), "utf8")).toBe("Hello from apply_patch\n");
    const [first, second, third, fourth] = fake().scripts.received;
    expect(fake().scripts.received).toHaveLength(4);
    // The model was offered Codex's tools, namespaced ones by their qualified names.
    const tools = offeredTools(first!);
    if (kind.provider === "openai") {
      expect(tools).toEqual(expect.arrayContaining(["exec", "wait", "collaboration__spawn_agent"]));
    } else {
      expect(tools).toEqual(
        expect.arrayContaining(["exec_command", "multi_agent_v1__spawn_agent"]),
      );
    }
    // Each tool's output came back to the model in the next turn: Codex routed
    // every call, the namespaced one too (else its output is "unsupported call").
    expect(bodyText(second!)).toContain(`shell-said-${kind.provider}`);
    expect(bodyText(third!)).toContain(kind.namespacedOutput);
    expect(bodyText(third!)).not.toContain("unsupported call");
    expect(bodyText(fourth!)).toContain("hello.txt");

    // `codex exec resume --last`: the whole history again, tool calls and outputs included.
    turn({ text: "Resumed." });
    const resumed = await codex(home, work, secret, ["resume", "--last", "And now?"]);
    expect(resumed.stdout.trim()).toBe("Resumed.");
    const fifth = fake().scripts.received[4]!;
    expect(bodyText(fifth)).toContain(`shell-said-${kind.provider}`);
    expect(bodyText(fifth)).toContain(kind.namespaced.name);
    expect(bodyText(fifth)).toContain("Add File: hello.txt");
    expect(bodyText(fifth)).toContain("And now?");
    expect(existsSync(join(work, "hello.txt"))).toBe(true);
    await expectBilled(user.id, 5);
  });
});

/** A 2x2 PNG, for Codex's view_image. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAAMIM/4EAAB/uBfsL2WiLAAAAAElFTkSuQmCC",
  "base64",
);

/** Where a provider's request carries an image, in its own shape. */
const IMAGE_IN = {
  anthropic: /"type":"image","source":\{"type":"base64","media_type":"image\/png"/,
  google: /"inlineData":\{"mimeType":"image\/png"/,
};

// Codex offers view_image as a function to the models it does not know; its
// output is an image, which the model must see.
describe.each(KINDS.filter((kind) => kind.provider !== "openai"))(
  "Codex viewing an image, with $model",
  (kind) => {
    test("the image view_image returns reaches the model", async () => {
      const user = await createUser(prisma, { credits: CREDITS });
      const { secret } = await createApiKey(prisma, user.id);
      const work = throwawayDir("codex-work-");
      writeFileSync(join(work, "pixels.png"), PNG);
      const fake = fakes[kind.provider];
      fake.scripts.received.length = 0;
      fake.scripts.enqueue(
        kind.model,
        {
          usage: USAGE,
          toolCalls: [
            {
              id: "call_view",
              name: "view_image",
              arguments: JSON.stringify({ path: join(work, "pixels.png") }),
            },
          ],
        },
        { usage: USAGE, text: "Four pixels." },
      );

      const run = await codex(codexHome(kind.model), work, secret, ["What is in pixels.png?"]);

      expect(run.stdout.trim()).toBe("Four pixels.");
      expect(bodyText(fake.scripts.received[1]!)).toMatch(
        IMAGE_IN[kind.provider as keyof typeof IMAGE_IN],
      );
      await expectBilled(user.id, 2);
    });
  },
);

/** One completed charge per provider call, each the scripted usage at the mapping's prices, to the µcr. */
const expectBilled = (userId: string, calls: number) =>
  expectBilledExactly(prisma, {
    userId,
    calls,

    endpoint: "/v1/responses",
    usage: USAGE,
    credits: CREDITS,
  });
