// `npm start`'s build step: runs `react-router build` (or the command given as
// arguments) with its output held back, so that what `npm start` prints is the
// JSON log lines the README promises (issue #23: ~114 lines of build output came
// first). A successful build logs one line; a failed one writes its whole output
// to stderr, where its error shows, logs why it stopped and exits with its code.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createLogger } from "../app/observability/logger.server.ts";

const ROOT = join(import.meta.dirname, "..");
const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
const wanted = process.env.LOG_LEVEL?.trim() ?? "";
// A bad LOG_LEVEL is the gateway's to report, with the others (boot.server.ts).
const log = createLogger(LEVELS.includes(wanted) ? wanted : "info", { sync: true });

const [command, ...args] =
  process.argv.length > 2
    ? process.argv.slice(2)
    : [join(ROOT, "node_modules", ".bin", "react-router"), "build"];
const started = performance.now();
const output: Buffer[] = [];
const child = spawn(command!, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
child.stdout.on("data", (chunk: Buffer) => output.push(chunk));
child.stderr.on("data", (chunk: Buffer) => output.push(chunk));
child.on("error", (error) => {
  log.fatal({ err: error }, `could not run the build: ${error.message}`);
  process.exit(1);
});
child.on("close", (code, signal) => {
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (code === 0) {
    log.info({ seconds }, `app built in ${seconds} s`);
    return;
  }
  process.stderr.write(Buffer.concat(output));
  log.fatal(
    { code, signal },
    "the build failed: its output is above, on stderr. Nothing was started.",
  );
  process.exit(code ?? 1);
});
