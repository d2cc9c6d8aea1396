// `npm start`'s build step (scripts/build-quietly.ts): what `npm start` prints
// is JSON log lines, as the README promises, and a failed build still shows its error.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";

const ROOT = join(import.meta.dirname, "..");

function run(args: string[]) {
  const child = spawn(process.execPath, [join(ROOT, "scripts", "build-quietly.ts"), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
}

/** Each line of stdout as the JSON object it must be (throws on a line that is not). */
const jsonLines = (stdout: string) =>
  stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      try {
        return JSON.parse(line) as { level: number; msg: string };
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });

test("npm start builds through the quiet build, then starts the gateway", () => {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  expect(scripts.start).toBe(
    "node scripts/check-node.js && node scripts/build-quietly.ts && node app/server/main.ts",
  );
});

test("a build's own output (vite's ~114 lines) is held back: stdout is one JSON line", async () => {
  const chatty =
    'for (let i = 0; i < 114; i++) console.log("build/client/assets/chunk-" + i + ".js")';
  const { code, stdout, stderr } = await run([process.execPath, "-e", chatty]);
  expect(code).toBe(0);
  expect(stderr).toBe("");
  expect(jsonLines(stdout)).toEqual([
    expect.objectContaining({ level: 30, msg: expect.stringMatching(/^app built in [\d.]+ s$/) }),
  ]);
});

test("a failed build shows its error on stderr, logs why it stopped and exits with its code", async () => {
  // The real react-router build, failing before it writes anything: its config does not exist.
  const reactRouter = join(ROOT, "node_modules", ".bin", "react-router");
  const { code, stdout, stderr } = await run([
    reactRouter,
    "build",
    "--config",
    "no-such.config.ts",
  ]);
  expect(code).toBe(1);
  expect(stderr).toContain("failed to load config");
  expect(jsonLines(stdout)).toEqual([
    expect.objectContaining({ level: 60, msg: expect.stringContaining("the build failed") }),
  ]);
}, 60_000);
