import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");
const MAIN = join(ROOT, "app", "server", "main.ts");

/** The encryption key of test gateways (64 hex characters: 32 bytes). */
export const TEST_ENCRYPTION_KEY = "7e".repeat(32);

export type LogLine = { level: number; msg: string } & Record<string, unknown>;

export interface GatewayProcess {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
  /** Each line of output as the JSON object it must be (throws on a line that is not). */
  logLines(): LogLine[];
  /** The `msg` of every log line, one per line, for matching text without JSON escapes. */
  messages(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Stops the gateway gently and fails with its output unless it exits with 0. */
export async function stopCleanly(gateway: GatewayProcess, signal: NodeJS.Signals = "SIGTERM") {
  const code = await gateway.stop(signal);
  if (code !== 0)
    throw new Error(`gateway exited with ${code} after ${signal}:\n${gateway.output()}`);
}

export function freePort() {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

/** Runs `node app/server/main.ts` as `npm start` would, with only the given environment. */
export function spawnGateway(env: Record<string, string>) {
  return spawnEntry(MAIN, env);
}

/** Runs a command of scripts/ (`scripts/migrate.ts`...) to its end, with only the given environment. */
export async function runScript(script: string, env: Record<string, string>) {
  const run = spawnEntry(join(ROOT, script), env);
  return { code: await run.exited, output: run.output() };
}

function spawnEntry(entry: string, env: Record<string, string>) {
  if (!existsSync(join(ROOT, "build", "server", "index.js"))) {
    throw new Error("No app build: run `npm run build` first (`npm test` does).");
  }
  let output = "";
  const child = spawn(process.execPath, [entry], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      LOG_LEVEL: "info",
      // Instances on one database share their encryption key, as a deployment's must.
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const logLines = () =>
    output
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => {
        try {
          return JSON.parse(line) as LogLine;
        } catch {
          throw new Error(`not a JSON log line: ${line}`);
        }
      });
  const messages = () =>
    logLines()
      .map((line) => line.msg)
      .join("\n");
  return { child, output: () => output, logLines, messages, exited };
}

/**
 * Starts a gateway and waits until it serves (/healthz answers, at any LOG_LEVEL). Without a
 * PORT it takes a free one; another process may take that port before the gateway binds it,
 * so a start that fails for that alone is tried again on another.
 */
export async function startGateway(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<GatewayProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(env, timeoutMs);
    } catch (error) {
      const portTaken = String(error).includes("is already in use");
      if (env.PORT !== undefined || !portTaken || attempt === 3) throw error;
    }
  }
}

async function startOnce(env: Record<string, string>, timeoutMs: number): Promise<GatewayProcess> {
  const port = env.PORT ?? String(await freePort());
  const spawned = spawnGateway({ ...env, PORT: port });
  const started = Date.now();
  const ready = () =>
    fetch(`http://127.0.0.1:${port}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
  while (!(await ready())) {
    const exitCode = spawned.child.exitCode;
    if (exitCode !== null || Date.now() - started > timeoutMs) {
      spawned.child.kill("SIGKILL");
      throw new Error(`gateway did not start (exit ${exitCode}):\n${spawned.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    ...spawned,
    baseUrl: `http://127.0.0.1:${port}`,
    stop(signal = "SIGTERM") {
      if (spawned.child.exitCode === null) spawned.child.kill(signal);
      const force = setTimeout(() => spawned.child.kill("SIGKILL"), 15_000);
      return spawned.exited.finally(() => clearTimeout(force));
    },
  };
}
