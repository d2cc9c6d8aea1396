// V8 sizes the heap from command-line flags only (ADR 058): without them a
// loaded gateway keeps ~500 MB resident where ~280 MB serve the same. `node
// app/server/main.ts` is how every start runs (npm start, the image, Fly), so
// the entry applies them itself: it replaces its own process with one started
// with the flags (execve: same PID, same stdio and environment, no parent left
// behind), once, before it loads anything.

export const HEAP_FLAGS = ["--max-semi-space-size=24", "--heap-growing-percent=50"];

/**
 * Restarts this process with HEAP_FLAGS unless it has them, or the operator
 * chose heap flags of their own (on the command line or in NODE_OPTIONS), or
 * the platform cannot replace a process (Windows).
 */
export function applyHeapFlags() {
  const chosen = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
  if (/--(max-semi-space-size|heap-growing-percent)\b/.test(chosen)) return;
  if (typeof process.execve !== "function") return;
  process.execve(
    process.execPath,
    [process.execPath, ...HEAP_FLAGS, ...process.execArgv, ...process.argv.slice(1)],
    process.env,
  );
}
