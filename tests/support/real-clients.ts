// What the tests that drive the real command-line agents (tests/clients/) share:
// running one to its end within a deadline, throwaway directories, and the
// configuration the README gives its users, and how their billing is checked.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { costOfUsage } from "../../app/billing/prices.ts";
import type { Prisma } from "../../app/db/prisma.server.ts";
import { creditsToMicro } from "../../app/utils/money.ts";

export interface ClientRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a client to its end with only the given environment and no stdin (Codex
 * reads a prompt from an open stdin); killed at the deadline, so a client that
 * hangs fails its test instead of the whole run.
 */
export function runClient(
  bin: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? "", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = setTimeout(() => {
      stderr += `\n[killed after ${options.timeoutMs ?? 60_000} ms]`;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(deadline);
      resolve({ code, stdout, stderr });
    });
  });
}

const throwaways: string[] = [];

/** A new empty directory under the system's temp directory, until removeThrowawayDirs. */
export function throwawayDir(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  throwaways.push(dir);
  return dir;
}

/** Removes the file's throwaway homes and work directories (call in afterAll). */
export function removeThrowawayDirs() {
  for (const dir of throwaways.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * A fenced block of the README, the first after `marker`: the tests run the
 * clients with the configuration users copy from it.
 */
export function readmeBlock(marker: string, language: string): string {
  const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");
  const start = readme.indexOf(marker);
  if (start === -1) throw new Error(`README has no "${marker}"`);
  const fence = "```" + language + "\n";
  const open = readme.indexOf(fence, start);
  if (open === -1) throw new Error(`README has no ${language} block after "${marker}"`);
  const close = readme.indexOf("\n```", open + fence.length);
  return readme.slice(open + fence.length, close + 1);
}

/** The usage a client test scripts on the fake provider for every answer. */
export interface ScriptedUsage {
  input: number;
  cached: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
}

/**
 * A client's `calls` requests (those of `model`, when given) were billed exactly: each
 * succeeded, streamed through `endpoint`, was charged the provider's reported usage at its
 * route's prices, the balance fell by the sum, and the key's hold went back.
 */
export async function expectBilledExactly(
  prisma: Prisma,
  expected: {
    userId: string;
    calls: number;
    endpoint: string;
    usage: ScriptedUsage;
    credits: number;
    model?: string;
  },
) {
  const { userId, usage } = expected;
  const rows = await prisma.conversation.findMany({
    where: { userId },
    include: { mapping: true },
  });
  const counted = expected.model ? rows.filter((row) => row.modelSlug === expected.model) : rows;
  expect(counted).toHaveLength(expected.calls);
  for (const row of counted) {
    expect(row).toMatchObject({
      status: "SUCCESS",
      usageSource: "REPORTED",
      endpoint: expected.endpoint,
      stream: true,
      inputTokens: usage.input,
      cachedInputTokens: usage.cached,
      outputTokens: usage.output,
    });
    const { mapping } = row;
    expect(row.cost).toBe(
      costOfUsage(
        {
          inputTokens: usage.input,
          cachedInputTokens: usage.cached,
          cacheWriteTokens: usage.cacheWrite,
          outputTokens: usage.output,
          reasoningTokens: usage.reasoning,
        },
        {
          input: mapping.inputPrice,
          cachedInput: mapping.cachedInputPrice,
          cacheWrite: mapping.cacheWritePrice,
          output: mapping.outputPrice,
        },
      ),
    );
  }
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
  const charged = rows.reduce((sum, row) => sum + row.cost, 0n);
  expect(user.balance).toBe(creditsToMicro(expected.credits) - charged);
  // The key's hold goes back once idle for a few seconds (ledger.server.ts).
  await expect
    .poll(async () => (await prisma.user.findUniqueOrThrow({ where: { id: userId } })).reserved, {
      timeout: 10_000,
    })
    .toBe(0n);
}
